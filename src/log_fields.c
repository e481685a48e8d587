// SPDX-License-Identifier: MIT
/* log_fields — the table of JSON record keys, and the reader's lookup. */
#include "build-config.h"

#include <string.h>

#include "log_fields.h"

const struct log_field_info log_fields[LOG_FIELD_COUNT] = {
#define FIELD(id, name, meaning)                                            \
	[LF_##id] = { name, ",\"" name "\":", sizeof(",\"" name "\":") - 1, \
		      meaning },
#include "log_fields.def"
#undef FIELD
};

int log_field_find(const char *name, size_t len)
{
	for (int i = 0; i < LOG_FIELD_COUNT; i++)
		if (strncmp(log_fields[i].name, name, len) == 0 &&
		    !log_fields[i].name[len])
			return i;
	return -1;
}
