// SPDX-License-Identifier: MIT
/* vocab — the words of vocab.def and their lookup. */
#include "build-config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include "fdtab.h"
#include "policy.h"
#include "vocab.h"

/* One array of words per vocabulary... */
#define VOCAB(id, what) static const struct vocab_word words_##id[] = {
#define WORD(text, value) { text, value },
#define END_VOCAB };
#include "vocab.def"
#undef VOCAB
#undef WORD
#undef END_VOCAB

/* ...and the table of them, indexed by enum vocab_id. */
const struct vocab vocab_table[VOCAB_COUNT] = {
#define VOCAB(id, what)                                                     \
	[VOCAB_##id] = { what, words_##id,                                  \
			 (int)(sizeof(words_##id) / sizeof(words_##id[0])) },
#define WORD(text, value)
#define END_VOCAB
#include "vocab.def"
#undef VOCAB
#undef WORD
#undef END_VOCAB
};

const char *vocab_name(enum vocab_id id, int value)
{
	const struct vocab *v;
	long long i;

	if ((unsigned int)id >= VOCAB_COUNT)
		return NULL;
	v = &vocab_table[id];
	/* Words listed in enum order: the value is the index from the first
	 * (the log names an action per record this way). */
	i = (long long)value - v->words[0].value;
	if (i >= 0 && i < v->n && v->words[i].value == value)
		return v->words[i].text;
	for (int k = 0; k < v->n; k++)
		if (v->words[k].value == value)
			return v->words[k].text;
	return NULL;
}

bool vocab_value(enum vocab_id id, const char *text, int *value)
{
	const struct vocab *v;

	if ((unsigned int)id >= VOCAB_COUNT || !text)
		return false;
	v = &vocab_table[id];
	for (int k = 0; k < v->n; k++)
		if (strcmp(v->words[k].text, text) == 0) {
			*value = v->words[k].value;
			return true;
		}
	return false;
}

void vocab_list(enum vocab_id id, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if ((unsigned int)id >= VOCAB_COUNT)
		return;
	for (int k = 0; k < vocab_table[id].n && used < len; k++) {
		int n = snprintf(buf + used, len - used, "%s\"%s\"",
				 k ? ", " : "", vocab_table[id].words[k].text);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}
