/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diffs of two texts (see diff.h).
 *
 * Lines are compared by content, newline included.  Each line of the part
 * that differs is first mapped to a small integer (equal lines, equal
 * numbers) so that the search compares integers, not strings.  The search
 * is Myers' O(ND) algorithm in its linear-space form: find the "middle
 * snake" of an optimal path with a search from both ends, then recurse on
 * the two halves.  Its result is one "changed" flag per line of each
 * text; the hunks are printed from those flags.
 *
 * The files we diff are configuration files: small, with a few edits.
 * A pair that is hopelessly different is not worth an optimal answer, so
 * beyond DIFF_MAX_COST edits the differing part is shown as replaced as a
 * whole, which keeps the time bounded.  Memory is linear in the number of
 * lines either way.
 */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "diff.h"
#include "guestprep/macro.h"

#define DIFF_CONTEXT 3
#define DIFF_MAX_COST 20000

struct text {
	const char *s;
	size_t len;
	size_t n;		/* lines */
	size_t *off;		/* n + 1 entries: line i is s[off[i]..off[i+1]) */
	bool *changed;		/* n entries */
};

static const char *line_at(const struct text *t, size_t i, size_t *ret_len)
{
	*ret_len = t->off[i + 1] - t->off[i];
	return t->s + t->off[i];
}

static bool line_equal(const struct text *a, size_t i,
		       const struct text *b, size_t j)
{
	size_t alen, blen;
	const char *as = line_at(a, i, &alen);
	const char *bs = line_at(b, j, &blen);

	return alen == blen && memcmp(as, bs, alen) == 0;
}

static int text_split(struct text *t)
{
	const char *p = t->s, *end = t->s + t->len, *nl;
	size_t n = 0;

	while (p < end && (nl = memchr(p, '\n', end - p))) {
		n++;
		p = nl + 1;
	}
	if (p < end)
		n++;		/* a last line without its newline */

	t->n = n;
	t->off = malloc((n + 1) * sizeof(*t->off));
	t->changed = calloc(n ? n : 1, sizeof(*t->changed));
	if (!t->off || !t->changed)
		return -ENOMEM;

	p = t->s;
	for (size_t i = 0; i < n; i++) {
		t->off[i] = p - t->s;
		nl = memchr(p, '\n', end - p);
		p = nl ? nl + 1 : end;
	}
	t->off[n] = t->len;
	return 0;
}

static void text_done(struct text *t)
{
	free(t->off);
	free(t->changed);
}

/*
 * Line classes: the lines of both texts' differing parts, numbered so
 * that equal lines share a number.  An open-addressing hash table maps a
 * line to the first line seen with that content.
 */
struct classes {
	const struct text *a, *b;
	size_t alo, blo;	/* first line of each differing part */
	size_t na, nb;		/* its length */
	uint32_t *ida, *idb;	/* class of each line of the parts */
	uint32_t *cnta, *cntb;	/* how often each class occurs in a, in b */
	uint32_t nclasses;
};

/* FNV-1a, folded: cheap, and good enough to spread lines over a table. */
static uint64_t line_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

/* Line @ref of the parts (a's first, then b's), and its class slot. */
static const char *class_line(const struct classes *c, size_t ref,
			      size_t *ret_len, uint32_t **ret_id)
{
	if (ref < c->na) {
		*ret_id = &c->ida[ref];
		return line_at(c->a, c->alo + ref, ret_len);
	}
	*ret_id = &c->idb[ref - c->na];
	return line_at(c->b, c->blo + ref - c->na, ret_len);
}

static int classes_build(struct classes *c)
{
	size_t total = c->na + c->nb, size = 16;
	_cleanup_free_ uint32_t *table = NULL;	/* line ref + 1; 0: free */

	while (size < 2 * total)
		size *= 2;
	table = calloc(size, sizeof(*table));
	c->ida = malloc((c->na ? c->na : 1) * sizeof(*c->ida));
	c->idb = malloc((c->nb ? c->nb : 1) * sizeof(*c->idb));
	c->cnta = calloc(total ? total : 1, sizeof(*c->cnta));
	c->cntb = calloc(total ? total : 1, sizeof(*c->cntb));
	if (!table || !c->ida || !c->idb || !c->cnta || !c->cntb)
		return -ENOMEM;

	for (size_t ref = 0; ref < total; ref++) {
		size_t len, olen;
		uint32_t *id, *oid;
		const char *s = class_line(c, ref, &len, &id);
		size_t slot = line_hash(s, len) & (size - 1);

		for (;; slot = (slot + 1) & (size - 1)) {
			const char *o;

			if (!table[slot]) {
				table[slot] = ref + 1;
				*id = c->nclasses++;
				break;
			}
			o = class_line(c, table[slot] - 1, &olen, &oid);
			if (olen == len && memcmp(o, s, len) == 0) {
				*id = *oid;
				break;
			}
		}
		if (ref < c->na)
			c->cnta[*id]++;
		else
			c->cntb[*id]++;
	}
	return 0;
}

static void classes_done(struct classes *c)
{
	free(c->ida);
	free(c->idb);
	free(c->cnta);
	free(c->cntb);
}

/*
 * A lower bound of the edit cost: a line can only be kept as often as
 * both texts have it.  A pair of unrelated files is told apart from a
 * costly but related pair without any search.
 */
static size_t classes_min_cost(const struct classes *c)
{
	size_t kept = 0;

	for (uint32_t i = 0; i < c->nclasses; i++)
		kept += c->cnta[i] < c->cntb[i] ? c->cnta[i] : c->cntb[i];
	return c->na + c->nb - 2 * kept;
}

/*
 * The search.  Coordinates are line numbers within the parts; a diagonal
 * k holds the points x - y == k.  fwd[k] is the furthest x reached on
 * diagonal k from the top left corner of the current box, bwd[k] the
 * smallest x reached from its bottom right corner; -1 and INT_MAX mean
 * "not reached".
 */
struct myers {
	const uint32_t *a, *b;
	bool *da, *db;		/* changed flags of the parts */
	int *fwd, *bwd;		/* indexed by diagonal, -nb - 1 .. na + 1 */
	int max_d;		/* give up a middle snake search beyond this */
};

struct box {
	int a0, a1, b0, b1;
};

struct snake {
	int x0, y0, x1, y1;
};

static void mark_box(struct myers *m, const struct box *bx)
{
	for (int i = bx->a0; i < bx->a1; i++)
		m->da[i] = true;
	for (int j = bx->b0; j < bx->b1; j++)
		m->db[j] = true;
}

/* One step of the forward search: true when it meets the backward one. */
static bool forward_step(struct myers *m, const struct box *bx, int d,
			 struct snake *ret)
{
	const uint32_t *a = m->a + bx->a0, *b = m->b + bx->b0;
	int na = bx->a1 - bx->a0, nb = bx->b1 - bx->b0, delta = na - nb;
	/* Diagonals of d's parity that hold points of the box. */
	int kmin = d <= nb ? -d : -nb + ((d - nb) & 1);
	int kmax = d <= na ? d : na - ((d - na) & 1);

	for (int k = kmin; k <= kmax; k += 2) {
		/* An older value of the same parity is still a valid point. */
		int x = d == 0 ? 0 : m->fwd[k];
		int lo = m->fwd[k - 1], hi = m->fwd[k + 1];
		int x0, y;

		/*
		 * A deletion from diagonal k - 1 or an insertion from k + 1,
		 * whichever gets further; neither may leave the box, so that
		 * every value stored is a real point of it.
		 */
		if (lo >= 0 && lo < na && lo + 1 > x)
			x = lo + 1;
		if (hi >= 0 && hi - k <= nb && hi > x)
			x = hi;
		if (x < 0)
			continue;
		x0 = x;
		y = x - k;
		while (x < na && y < nb && a[x] == b[y]) {
			x++;
			y++;
		}
		m->fwd[k] = x;
		/* With odd delta, the paths meet after a forward step. */
		if ((delta & 1) && m->bwd[k] != INT_MAX && x >= m->bwd[k]) {
			*ret = (struct snake){ x0, x0 - k, x, y };
			return true;
		}
	}
	return false;
}

static bool backward_step(struct myers *m, const struct box *bx, int d,
			  struct snake *ret)
{
	const uint32_t *a = m->a + bx->a0, *b = m->b + bx->b0;
	int na = bx->a1 - bx->a0, nb = bx->b1 - bx->b0, delta = na - nb;
	int kmin = delta - d >= -nb ? delta - d : -nb + ((na + d) & 1);
	int kmax = delta + d <= na ? delta + d : na - ((d - nb) & 1);

	for (int k = kmin; k <= kmax; k += 2) {
		int x = d == 0 ? na : m->bwd[k];
		int lo = m->bwd[k - 1], hi = m->bwd[k + 1];
		int x1, y;

		/* The same, walking back up and left. */
		if (hi != INT_MAX && hi > 0 && hi - 1 < x)
			x = hi - 1;
		if (lo != INT_MAX && lo - k >= 0 && lo < x)
			x = lo;
		if (x == INT_MAX)
			continue;
		x1 = x;
		y = x - k;
		while (x > 0 && y > 0 && a[x - 1] == b[y - 1]) {
			x--;
			y--;
		}
		m->bwd[k] = x;
		/* With even delta, they meet after a backward one. */
		if (!(delta & 1) && m->fwd[k] >= 0 && m->fwd[k] >= x) {
			*ret = (struct snake){ x, y, x1, x1 - k };
			return true;
		}
	}
	return false;
}

/*
 * The middle snake of an optimal path through @bx, in absolute
 * coordinates; false when more than 2 * max_d edits would be needed.
 */
static bool middle_snake(struct myers *m, const struct box *bx,
			 struct snake *ret)
{
	int na = bx->a1 - bx->a0, nb = bx->b1 - bx->b0;

	for (int k = -nb - 1; k <= na + 1; k++) {
		m->fwd[k] = -1;
		m->bwd[k] = INT_MAX;
	}
	for (int d = 0; d <= m->max_d; d++) {
		if (forward_step(m, bx, d, ret) || backward_step(m, bx, d, ret)) {
			ret->x0 += bx->a0;
			ret->x1 += bx->a0;
			ret->y0 += bx->b0;
			ret->y1 += bx->b0;
			return true;
		}
	}
	return false;
}

static void myers_compare(struct myers *m, struct box bx)
{
	struct snake s;
	struct box head, tail;

	while (bx.a0 < bx.a1 && bx.b0 < bx.b1 && m->a[bx.a0] == m->b[bx.b0]) {
		bx.a0++;
		bx.b0++;
	}
	while (bx.a0 < bx.a1 && bx.b0 < bx.b1 &&
	       m->a[bx.a1 - 1] == m->b[bx.b1 - 1]) {
		bx.a1--;
		bx.b1--;
	}
	if (bx.a0 == bx.a1 || bx.b0 == bx.b1) {
		mark_box(m, &bx);
		return;
	}
	if (!middle_snake(m, &bx, &s)) {
		mark_box(m, &bx);	/* too costly: replace it all */
		return;
	}
	head = (struct box){ bx.a0, s.x0, bx.b0, s.y0 };
	tail = (struct box){ s.x1, bx.a1, s.y1, bx.b1 };
	/* Both halves are smaller (the cost is at least 2 here); be sure. */
	if ((head.a1 == bx.a1 && head.b1 == bx.b1) ||
	    (tail.a0 == bx.a0 && tail.b0 == bx.b0)) {
		mark_box(m, &bx);
		return;
	}
	/* Each half costs about half as much: the recursion is shallow. */
	myers_compare(m, head);
	myers_compare(m, tail);
}

static int myers_run(const struct classes *c, bool *da, bool *db)
{
	struct myers m = {
		.a = c->ida, .b = c->idb, .da = da, .db = db,
		.max_d = DIFF_MAX_COST / 2,
	};
	_cleanup_free_ int *fwd = NULL, *bwd = NULL;
	size_t diagonals = c->na + c->nb + 3;	/* -nb - 1 .. na + 1 */

	fwd = malloc(diagonals * sizeof(*fwd));
	bwd = malloc(diagonals * sizeof(*bwd));
	if (!fwd || !bwd)
		return -ENOMEM;
	m.fwd = fwd + c->nb + 1;
	m.bwd = bwd + c->nb + 1;
	myers_compare(&m, (struct box){ 0, c->na, 0, c->nb });
	/* cppcheck-suppress memleak ; _cleanup_free_ frees fwd and bwd */
	return 0;
}

static void mark_range(bool *changed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		changed[i] = true;
}

/* Set the changed flags of @a and @b. */
static int compare(struct text *a, struct text *b)
{
	struct classes c = { .a = a, .b = b };
	size_t pre = 0, post = 0;
	int r;

	/* Common head and tail first: most edits touch a few lines. */
	while (pre < a->n && pre < b->n && line_equal(a, pre, b, pre))
		pre++;
	while (post < a->n - pre && post < b->n - pre &&
	       line_equal(a, a->n - 1 - post, b, b->n - 1 - post))
		post++;
	c.alo = c.blo = pre;
	c.na = a->n - pre - post;
	c.nb = b->n - pre - post;

	/* Line numbers are ints in the search; larger texts get no search. */
	if (c.na + c.nb > INT_MAX / 2 - 4)
		goto replace_all;
	r = classes_build(&c);
	if (r < 0)
		goto out;
	if (classes_min_cost(&c) > DIFF_MAX_COST)
		goto replace_all;
	r = myers_run(&c, a->changed + pre, b->changed + pre);
	goto out;

replace_all:
	mark_range(a->changed + pre, c.na);
	mark_range(b->changed + pre, c.nb);
	r = 0;
out:
	classes_done(&c);
	return r;
}

/* Output. */

struct change {
	size_t a0, a1, b0, b1;	/* a0..a1 replaced by b0..b1 */
};

/* The first change at or after lines @i, @j; false when there is none. */
static bool next_change(const struct text *a, const struct text *b,
			size_t i, size_t j, struct change *ret)
{
	while (i < a->n && j < b->n && !a->changed[i] && !b->changed[j]) {
		i++;
		j++;
	}
	ret->a0 = i;
	ret->b0 = j;
	while (i < a->n && a->changed[i])
		i++;
	while (j < b->n && b->changed[j])
		j++;
	ret->a1 = i;
	ret->b1 = j;
	return ret->a0 < ret->a1 || ret->b0 < ret->b1;
}

static void print_line(FILE *f, char tag, const struct text *t, size_t i)
{
	size_t len;
	const char *s = line_at(t, i, &len);

	fputc(tag, f);
	fwrite(s, 1, len, f);
	if (len == 0 || s[len - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", f);
}

/* "start,count", or "start" for one line; an empty range names the line
 * before it. */
static void print_range(FILE *f, size_t start, size_t count)
{
	if (count == 1)
		fprintf(f, "%zu", start + 1);
	else
		fprintf(f, "%zu,%zu", count ? start + 1 : start, count);
}

/* One hunk: the changes @first to @last, with their context. */
static void print_hunk(FILE *f, const struct text *a, const struct text *b,
		       const struct change *first, const struct change *last)
{
	size_t pre = first->a0 < DIFF_CONTEXT ? first->a0 : DIFF_CONTEXT;
	size_t post = a->n - last->a1 < DIFF_CONTEXT ? a->n - last->a1
						       : DIFF_CONTEXT;
	size_t i = first->a0 - pre, aend = last->a1 + post;
	size_t j = first->b0 - pre, bend = last->b1 + post;

	fputs("@@ -", f);
	print_range(f, i, aend - i);
	fputs(" +", f);
	print_range(f, j, bend - j);
	fputs(" @@\n", f);

	while (i < aend || j < bend) {
		if (i < aend && j < bend && !a->changed[i] && !b->changed[j]) {
			print_line(f, ' ', a, i++);
			j++;
			continue;
		}
		while (i < aend && a->changed[i])
			print_line(f, '-', a, i++);
		while (j < bend && b->changed[j])
			print_line(f, '+', b, j++);
	}
}

static void print_hunks(FILE *f, const struct text *a, const struct text *b)
{
	struct change first, last, next;
	size_t i = 0, j = 0;

	while (next_change(a, b, i, j, &first)) {
		/* Changes whose contexts touch or overlap share a hunk. */
		last = first;
		while (next_change(a, b, last.a1, last.b1, &next) &&
		       next.a0 - last.a1 <= 2 * DIFF_CONTEXT)
			last = next;
		print_hunk(f, a, b, &first, &last);
		i = last.a1;
		j = last.b1;
	}
}

static int finish(FILE *f)
{
	/* Buffered writes fail late: flush before looking. */
	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}

int diff_unified(FILE *f, const char *label_a, const char *a, size_t alen,
		 const char *label_b, const char *b, size_t blen)
{
	struct text ta = { .s = a ? a : "", .len = a ? alen : 0 };
	struct text tb = { .s = b ? b : "", .len = b ? blen : 0 };
	int r;

	if (!label_a)
		label_a = "/dev/null";
	if (!label_b)
		label_b = "/dev/null";
	if (ta.len == tb.len && memcmp(ta.s, tb.s, ta.len) == 0)
		return 0;
	if (memchr(ta.s, '\0', ta.len) || memchr(tb.s, '\0', tb.len)) {
		fprintf(f, "Binary files %s and %s differ\n", label_a, label_b);
		return finish(f);
	}

	r = text_split(&ta);
	if (r >= 0)
		r = text_split(&tb);
	if (r >= 0)
		r = compare(&ta, &tb);
	if (r >= 0) {
		fprintf(f, "--- %s\n+++ %s\n", label_a, label_b);
		print_hunks(f, &ta, &tb);
		r = finish(f);
	}
	text_done(&ta);
	text_done(&tb);
	return r;
}
