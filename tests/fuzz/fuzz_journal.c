/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fix journal (agent/journal-record.c): a run's journal as undo and
 * history read it back.  Records carry a checksum each; the fuzzer gets
 * past them from the seeds (real journals) and the value profile.
 */
#include "config.h"

#include "fuzz.h"
#include "journal-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jrun run = { 0 };
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	/* Modified in place, NUL-terminated as gp_root_read_file() gives. */
	memcpy(text, data, size);
	text[size] = '\0';
	jrun_parse(&run, text, size);
	jrun_done(&run);
	free(text);
	return 0;
}
