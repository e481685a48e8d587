/* SPDX-License-Identifier: MIT */
/*
 * vocab — the words sockshim reads and writes for its enumerations
 * (modes, log settings, directives, match keys, log actions), one table
 * for the config loader, the policy, the log and the command.
 *
 * The words and their values are in vocab.def; this is the lookup.
 */
#ifndef SOCKSHIM_VOCAB_H
#define SOCKSHIM_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

enum vocab_id {
#define VOCAB(id, what) VOCAB_##id,
#define WORD(text, value)
#define END_VOCAB
#include "vocab.def"
#undef VOCAB
#undef WORD
#undef END_VOCAB
	VOCAB_COUNT
};

struct vocab_word {
	const char *text;
	int value;
};

struct vocab {
	const char *what;		/* "mode", "syslog facility", ... */
	const struct vocab_word *words;
	int n;
};

extern const struct vocab vocab_table[VOCAB_COUNT];

/* The word for value (the first, if it has two), or NULL. */
const char *vocab_name(enum vocab_id id, int value);

/* The value of a word (exact, case-sensitive); false if it is not one. */
bool vocab_value(enum vocab_id id, const char *text, int *value);

/*
 * The words for a message, quoted: "\"text\", \"json\"". Cut short (still
 * NUL-terminated) when buf is too small.
 */
void vocab_list(enum vocab_id id, char *buf, size_t len);

#endif
