/* cmd_outbox.c: `panicctl outbox FILE` — what a board's outbox holds: the
 * events still waiting for the hub's receipt and the incidents kept dark,
 * read without changing the file (the board may be running). Also reads a
 * file counterd set aside as damaged, up to the damage, so that whoever
 * looks after the board can see which presses it never re-sent. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../firmware/outbox.h"
#include "panicctl.h"
#include "table.h"

enum { OC_ID, OC_KIND, OC_GESTURE, OC_BUTTON, OC_PRESSED, OC_HELD,
	OC_SENT, OC_UPGRADES, OC_COUNT };

static const struct tab_col outbox_cols[OC_COUNT] = {
	[OC_ID] = { "EVENT", "id", 0, 0, 0 },
	[OC_KIND] = { "KIND", "kind", 0, 0, 0 },
	[OC_GESTURE] = { "GESTURE", "gesture", 0, 0, 0 },
	[OC_BUTTON] = { "BUTTON", "button", 0, 0, 0 },
	[OC_PRESSED] = { "PRESSED", "pressed", 0, 0, 0 },
	[OC_HELD] = { "HELD", "held", 1, 0, 1 },
	[OC_SENT] = { "SENT", "sent", 1, 0, 0 },
	[OC_UPGRADES] = { "UPGRADES", "upgrades", 0, 0, 0 },
};

static void
outbox_row(struct tab *t, const struct proto_event *ev)
{
	if (tab_row(t) < 0)
		return;
	tab_str(t, OC_ID, ev->id);
	tab_str(t, OC_KIND, proto_kind_name(ev->kind));
	tab_str(t, OC_GESTURE, proto_gesture_name(ev->gesture));
	tab_str(t, OC_BUTTON, ev->button);
	tab_time_ms(t, OC_PRESSED, ev->pressed_ms);
	if (ev->held_ms >= 0)
		tab_ms(t, OC_HELD, ev->held_ms);
	tab_int(t, OC_SENT, ev->attempt);
	tab_str(t, OC_UPGRADES, ev->upgrades[0] ? ev->upgrades : NULL);
}

static int
outbox_print(struct outbox *ob, const char *path, const struct tab *t,
    char ids[][PROTO_ID_MAX], int nids, int json)
{
	struct jdoc *d, *a;
	int rc;

	if (json) {
		if (!(d = jdoc_new()))
			return -1;
		jdoc_str(d, "file", path);
		jdoc_str(d, "boot", outbox_boot(ob));
		jdoc_rows(d, "events", t);
		if ((a = jdoc_array(d, "discreet")))
			for (int i = 0; i < nids; i++)
				jdoc_str(jdoc_push(a), "incident", ids[i]);
		rc = jdoc_print(d, stdout);
		jdoc_free(d);
		return rc;
	}
	printf("outbox %s: boot %s, %d event%s awaiting the hub's receipt\n",
	    path, outbox_boot(ob)[0] ? outbox_boot(ob) : "(none yet)",
	    outbox_count(ob), outbox_count(ob) == 1 ? "" : "s");
	rc = outbox_count(ob) ? tab_print(t, stdout) : 0;
	if (nids) {
		printf("kept dark (discreet incidents):");
		for (int i = 0; i < nids; i++)
			printf(" %s", ids[i]);
		printf("\n");
	}
	return rc;
}

int
cmd_outbox(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	char err[512], ids[OUTBOX_DISCREET_MAX][PROTO_ID_MAX];
	struct proto_event *evs = NULL;
	struct outbox *ob;
	struct tab *t = NULL;
	size_t damaged_at = 0;
	int ch, json = 0, n, nids, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'j')
			return 2;
		json = 1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: panicctl outbox FILE [--json]\n");
		return 2;
	}
	if (!(ob = outbox_open_readonly(argv[optind], &damaged_at, err,
	    sizeof err))) {
		fprintf(stderr, "panicctl: %s\n", err);
		return 1;
	}
	n = outbox_count(ob);
	if (!(evs = calloc((size_t)(n ? n : 1), sizeof *evs)) ||
	    !(t = tab_new(outbox_cols, OC_COUNT))) {
		fprintf(stderr, "panicctl: outbox: out of memory\n");
		goto out;
	}
	n = outbox_pending(ob, 0, evs, n);
	for (int i = 0; i < n; i++)
		outbox_row(t, &evs[i]);
	nids = outbox_discreet_list(ob, ids, OUTBOX_DISCREET_MAX);
	if (outbox_print(ob, argv[optind], t, ids, nids, json) < 0)
		goto out;
	rc = 0;
	if (damaged_at) {
		fprintf(stderr, "panicctl: outbox: %s: damaged from byte %zu "
		    "on; what follows it could not be read\n", argv[optind],
		    damaged_at);
		rc = 1;
	}
out:
	tab_free(t);
	free(evs);
	outbox_close(ob);
	return rc;
}
