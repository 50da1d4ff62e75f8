/*
 * glokal.kolada._pages: Kolada's data pages read and made into series in C.
 *
 * The full sync's cost is reading some 140 MB of data pages and turning a million cells into
 * a series a row (bench/README.md). With the libraries at hand, parsing the JSON alone cost
 * as much CPU as the whole fetch. This module does both steps for the one shape Kolada sends,
 * and nothing else:
 *
 *   scan(body) -> Scanned | None
 *       Reads one data answer, ``{"values": [item, ...], "next_url": ..., ...}``, without the
 *       GIL. None when the body is anything but that shape read strictly (invalid JSON, a
 *       count sent as "2", an escaped key or id, a deep nesting, ...): the caller then reads
 *       it with the general readers of glokal.kolada.wire, which decide whether it is
 *       malformed. So this module never needs to be lax, and never says why.
 *
 *   series(pages, kpi, known_units) -> (rows, values, unknown_units)
 *       The series to store of one KPI's scanned pages, as glokal.kolada.plan.series_of
 *       makes them: rows ``(unit, gender, cells, size)`` with ``cells`` the JSON text
 *       ``[[period,value,count],...]`` in year order (a cell that came twice keeps the last);
 *       deleted and empty cells, cells of other KPIs and of unknown units dropped.
 *
 * A value's text is copied from the page as Kolada wrote it (``.0`` added to an integer), so
 * no double is parsed or printed: it reads back as the same double. The tests check every
 * result against the general path (tests/kolada/test_pages.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#define MAX_DEPTH 64       /* nesting of skipped values; deeper: not Kolada's shape */
#define MAX_NUMBER 32      /* characters of a value's number; longer: left to the general path */
#define MAX_EXPONENT 250   /* |exponent| of a value; larger: left to the general path */

typedef struct {
    const char *p;
    Py_ssize_t n;
} Span;

typedef struct {
    Span kpi, unit;
    long period;
    Py_ssize_t first, end; /* its cells: cells[first:end] */
} Item;

enum { GENDER_T = 0, GENDER_K = 1, GENDER_M = 2, GENDER_OTHER = 3 };

typedef struct {
    unsigned char gender;
    unsigned char deleted;
    unsigned char null_value;
    unsigned char integer_value; /* the value's text has no fraction or exponent */
    int64_t count;
    Span value;
} Cell;

typedef struct {
    const char *p, *end;
    Item *items;
    Py_ssize_t nitems, items_cap;
    Cell *cells;
    Py_ssize_t ncells, cells_cap;
    Span next_url;
    int has_next_url;
    int out_of_memory;
} Parser;

/* -- JSON, strictly ---------------------------------------------------------------------- */

/* Bytes that stand for themselves inside a string: printable ASCII but '"' and '\\'. */
static unsigned char PLAIN[256];

static inline void skip_ws(Parser *s) {
    const char *p = s->p, *end = s->end;
    while (p < end && (unsigned char)*p <= ' ' &&
           (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    s->p = p;
}

static inline int hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* A string at s->p (its opening quote): valid UTF-8, valid escapes, no control characters.
 * ``out`` spans its raw contents; ``escaped`` says whether it holds a backslash. */
static int read_string(Parser *s, Span *out, int *escaped) {
    const unsigned char *p = (const unsigned char *)s->p + 1;
    const unsigned char *end = (const unsigned char *)s->end;
    int esc = 0;
    for (;;) {
        while (p < end && PLAIN[*p]) p++;
        if (p >= end) break;
        unsigned char c = *p;
        if (c == '"') {
            out->p = s->p + 1;
            out->n = (const char *)p - out->p;
            *escaped = esc;
            s->p = (const char *)p + 1;
            return 0;
        }
        if (c < 0x20) return -1;
        if (c < 0x80) {
            if (c == '\\') {
                esc = 1;
                if (p + 1 >= end) return -1;
                unsigned char e = p[1];
                if (e == 'u') {
                    unsigned u, low;
                    if (end - p < 6 || hex4((const char *)p + 2, &u)) return -1;
                    p += 6;
                    if (u >= 0xDC00 && u <= 0xDFFF) return -1; /* a lone low surrogate */
                    if (u >= 0xD800 && u <= 0xDBFF) {
                        if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return -1;
                        if (hex4((const char *)p + 2, &low) || low < 0xDC00 || low > 0xDFFF)
                            return -1;
                        p += 6;
                    }
                    continue;
                }
                if (!(e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                      e == 'r' || e == 't'))
                    return -1;
                p += 2;
                continue;
            }
            p++;
            continue;
        }
        /* UTF-8: the well-formed sequences of Unicode's table 3-7 */
        if (c >= 0xC2 && c <= 0xDF) {
            if (end - p < 2 || (p[1] & 0xC0) != 0x80) return -1;
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return -1;
            if (c == 0xE0 && p[1] < 0xA0) return -1;
            if (c == 0xED && p[1] > 0x9F) return -1;
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (end - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
                (p[3] & 0xC0) != 0x80)
                return -1;
            if (c == 0xF0 && p[1] < 0x90) return -1;
            if (c == 0xF4 && p[1] > 0x8F) return -1;
            p += 4;
        } else {
            return -1;
        }
    }
    return -1; /* no closing quote: truncated */
}

/* A number at s->p, by JSON's grammar. ``integer``: no fraction and no exponent;
 * ``exponent``: its exponent's value, capped. */
static int read_number(Parser *s, Span *out, int *integer, long *exponent) {
    const char *p = s->p, *end = s->end;
    const char *start = p;
    int is_int = 1;
    long exp = 0;
    if (p < end && *p == '-') p++;
    if (p >= end) return -1;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9') p++;
    } else {
        return -1;
    }
    if (p < end && *p == '.') {
        is_int = 0;
        p++;
        if (p >= end || *p < '0' || *p > '9') return -1;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        int negative = 0;
        is_int = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) negative = *p++ == '-';
        if (p >= end || *p < '0' || *p > '9') return -1;
        while (p < end && *p >= '0' && *p <= '9') {
            if (exp < 100000) exp = exp * 10 + (*p - '0');
            p++;
        }
        if (negative) exp = -exp;
    }
    out->p = start;
    out->n = p - start;
    *integer = is_int;
    *exponent = exp;
    s->p = p;
    return 0;
}

/* An integer that fits in int64 (at most 18 digits). */
static int read_integer(Parser *s, int64_t *out) {
    Span span;
    int integer;
    long exponent;
    if (read_number(s, &span, &integer, &exponent) || !integer) return -1;
    const char *p = span.p, *end = span.p + span.n;
    int negative = 0;
    if (*p == '-') {
        negative = 1;
        p++;
    }
    if (end - p > 18) return -1;
    int64_t v = 0;
    for (; p < end; p++) v = v * 10 + (*p - '0');
    *out = negative ? -v : v;
    return 0;
}

static int literal(Parser *s, const char *word, Py_ssize_t n) {
    if (s->end - s->p < n || memcmp(s->p, word, (size_t)n) != 0) return -1;
    s->p += n;
    return 0;
}

/* After a member or an element: 1 at a ",", 0 at ``close`` (consumed), -1 otherwise. */
static inline int next_or_close(Parser *s, char close) {
    skip_ws(s);
    if (s->p >= s->end) return -1;
    if (*s->p == ',') {
        s->p++;
        skip_ws(s);
        return 1;
    }
    if (*s->p == close) {
        s->p++;
        return 0;
    }
    return -1;
}

/* At an opening bracket: 0 when the container is empty (closed, consumed), 1 otherwise. */
static inline int open_container(Parser *s, char open, char close) {
    if (s->p >= s->end || *s->p != open) return -1;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 0;
    }
    return 1;
}

static int skip_value(Parser *s, int depth);

static int skip_container(Parser *s, int depth, char open, char close) {
    if (depth >= MAX_DEPTH) return -1;
    int more = open_container(s, open, close);
    while (more > 0) {
        if (close == '}') {
            Span key;
            int escaped;
            if (s->p >= s->end || *s->p != '"' || read_string(s, &key, &escaped)) return -1;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':') return -1;
            s->p++;
            skip_ws(s);
        }
        if (skip_value(s, depth + 1)) return -1;
        more = next_or_close(s, close);
    }
    return more;
}

static int skip_value(Parser *s, int depth) {
    if (s->p >= s->end) return -1;
    switch (*s->p) {
    case '"': {
        Span span;
        int escaped;
        return read_string(s, &span, &escaped);
    }
    case '{':
        return skip_container(s, depth, '{', '}');
    case '[':
        return skip_container(s, depth, '[', ']');
    case 't':
        return literal(s, "true", 4);
    case 'f':
        return literal(s, "false", 5);
    case 'n':
        return literal(s, "null", 4);
    default: {
        Span span;
        int integer;
        long exponent;
        return read_number(s, &span, &integer, &exponent);
    }
    }
}

static inline int is_null(Parser *s) {
    if (s->p < s->end && *s->p == 'n') return literal(s, "null", 4) == 0 ? 1 : -1;
    return 0;
}

static inline int key_is(Span key, const char *name, Py_ssize_t n) {
    /* the length and first byte first: they tell most keys apart without a memcmp call */
    return key.n == n && key.p[0] == name[0] && memcmp(key.p, name, (size_t)n) == 0;
}

/* Walk an object's members: ``member`` reads the value of each key (an unescaped key; an
 * escaped one is not Kolada's shape). */
typedef int (*Member)(Parser *s, Span key, void *context);

static int read_object(Parser *s, Member member, void *context) {
    int more = open_container(s, '{', '}');
    while (more > 0) {
        Span key;
        int escaped;
        if (s->p >= s->end || *s->p != '"') return -1;
        /* Kolada's keys are short and plain: read them without read_string's cases. */
        const char *q = s->p + 1;
        while (q < s->end && PLAIN[(unsigned char)*q]) q++;
        if (q < s->end && *q == '"') {
            key.p = s->p + 1;
            key.n = q - key.p;
            s->p = q + 1;
        } else if (read_string(s, &key, &escaped) || escaped) {
            return -1;
        }
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':') return -1;
        s->p++;
        skip_ws(s);
        if (member(s, key, context)) return -1;
        more = next_or_close(s, '}');
    }
    return more;
}

/* Walk an array: ``element`` reads each element. */
typedef int (*Element)(Parser *s, void *context);

static int read_array(Parser *s, Element element, void *context) {
    int more = open_container(s, '[', ']');
    while (more > 0) {
        if (element(s, context)) return -1;
        more = next_or_close(s, ']');
    }
    return more;
}

/* -- Kolada's shape ---------------------------------------------------------------------- */

enum { SEEN_GENDER = 1, SEEN_COUNT = 2, SEEN_VALUE = 4, SEEN_DELETED = 8 };

typedef struct {
    Cell cell;
    int seen;
} CellContext;

static int cell_member(Parser *s, Span key, void *context) {
    CellContext *c = context;
    int flag, n;
    if (key_is(key, "gender", 6)) flag = SEEN_GENDER;
    else if (key_is(key, "count", 5)) flag = SEEN_COUNT;
    else if (key_is(key, "value", 5)) flag = SEEN_VALUE;
    else if (key_is(key, "isdeleted", 9)) flag = SEEN_DELETED;
    else if (s->end - s->p >= 2 && s->p[0] == '"' && s->p[1] == '"') {
        s->p += 2; /* an empty string: "status" as Kolada sends it */
        return 0;
    } else return skip_value(s, 2);
    if (c->seen & flag) return -1; /* a key twice */
    c->seen |= flag;
    if (flag == SEEN_GENDER && s->end - s->p >= 3 && s->p[0] == '"' && s->p[2] == '"') {
        /* the usual "T", "K" or "M" */
        char g = s->p[1];
        if (g == 'T' || g == 'K' || g == 'M') {
            c->cell.gender = g == 'T' ? GENDER_T : g == 'K' ? GENDER_K : GENDER_M;
            s->p += 3;
            return 0;
        }
    }
    if ((n = is_null(s)) < 0) return -1;
    if (n) return 0; /* null: the default */
    switch (flag) {
    case SEEN_GENDER: {
        Span g;
        int escaped;
        if (s->p >= s->end || *s->p != '"' || read_string(s, &g, &escaped) || escaped) return -1;
        if (g.n == 0 || (g.n == 1 && g.p[0] == 'T')) c->cell.gender = GENDER_T;
        else if (g.n == 1 && g.p[0] == 'K') c->cell.gender = GENDER_K;
        else if (g.n == 1 && g.p[0] == 'M') c->cell.gender = GENDER_M;
        else c->cell.gender = GENDER_OTHER;
        return 0;
    }
    case SEEN_COUNT:
        return read_integer(s, &c->cell.count);
    case SEEN_VALUE: {
        int integer;
        long exponent;
        if (read_number(s, &c->cell.value, &integer, &exponent)) return -1;
        if (c->cell.value.n > MAX_NUMBER || exponent > MAX_EXPONENT || exponent < -MAX_EXPONENT)
            return -1;
        c->cell.null_value = 0;
        c->cell.integer_value = (unsigned char)integer;
        return 0;
    }
    default: /* SEEN_DELETED */
        if (s->p < s->end && *s->p == 't') {
            c->cell.deleted = 1;
            return literal(s, "true", 4);
        }
        return literal(s, "false", 5);
    }
}

static int push_cell(Parser *s, const Cell *cell) {
    if (s->ncells == s->cells_cap) {
        Py_ssize_t cap = s->cells_cap ? s->cells_cap * 2 : 4096;
        Cell *grown = PyMem_RawRealloc(s->cells, (size_t)cap * sizeof(Cell));
        if (grown == NULL) {
            s->out_of_memory = 1;
            return -1;
        }
        s->cells = grown;
        s->cells_cap = cap;
    }
    s->cells[s->ncells++] = *cell;
    return 0;
}

static int read_cell(Parser *s, void *context) {
    CellContext c = {{GENDER_T, 0, 1, 0, 0, {NULL, 0}}, 0};
    return read_object(s, cell_member, &c) || push_cell(s, &c.cell) ? -1 : 0;
}

enum { SEEN_KPI = 1, SEEN_UNIT = 2, SEEN_PERIOD = 4, SEEN_CELLS = 8 };

typedef struct {
    Item item;
    int seen;
} ItemContext;

static int item_member(Parser *s, Span key, void *context) {
    ItemContext *c = context;
    int escaped;
    if (key_is(key, "kpi", 3)) {
        if (c->seen & SEEN_KPI) return -1;
        c->seen |= SEEN_KPI;
        if (s->p >= s->end || *s->p != '"') return -1;
        return read_string(s, &c->item.kpi, &escaped) || escaped ? -1 : 0;
    }
    if (key_is(key, "municipality", 12)) {
        if (c->seen & SEEN_UNIT) return -1;
        c->seen |= SEEN_UNIT;
        if (s->p >= s->end || *s->p != '"') return -1;
        return read_string(s, &c->item.unit, &escaped) || escaped ? -1 : 0;
    }
    if (key_is(key, "period", 6)) {
        int64_t period;
        if (c->seen & SEEN_PERIOD) return -1;
        c->seen |= SEEN_PERIOD;
        if (read_integer(s, &period) || period < -100000 || period > 100000) return -1;
        c->item.period = (long)period;
        return 0;
    }
    if (key_is(key, "values", 6)) {
        int n;
        if (c->seen & SEEN_CELLS) return -1;
        c->seen |= SEEN_CELLS;
        if ((n = is_null(s)) < 0) return -1;
        if (n) return 0;
        c->item.first = s->ncells;
        if (read_array(s, read_cell, NULL)) return -1;
        c->item.end = s->ncells;
        return 0;
    }
    return skip_value(s, 1);
}

static int push_item(Parser *s, const Item *item) {
    if (s->nitems == s->items_cap) {
        Py_ssize_t cap = s->items_cap ? s->items_cap * 2 : 1024;
        Item *grown = PyMem_RawRealloc(s->items, (size_t)cap * sizeof(Item));
        if (grown == NULL) {
            s->out_of_memory = 1;
            return -1;
        }
        s->items = grown;
        s->items_cap = cap;
    }
    s->items[s->nitems++] = *item;
    return 0;
}

static int read_item(Parser *s, void *context) {
    ItemContext c = {{{NULL, 0}, {NULL, 0}, 0, 0, 0}, 0};
    c.item.first = c.item.end = s->ncells;
    if (read_object(s, item_member, &c)) return -1;
    if ((c.seen & (SEEN_KPI | SEEN_UNIT | SEEN_PERIOD)) != (SEEN_KPI | SEEN_UNIT | SEEN_PERIOD))
        return -1;
    return push_item(s, &c.item);
}

enum { SEEN_ITEMS = 1, SEEN_NEXT = 2 };

static int envelope_member(Parser *s, Span key, void *context) {
    int *seen = context;
    if (key_is(key, "values", 6)) {
        if (*seen & SEEN_ITEMS) return -1;
        *seen |= SEEN_ITEMS;
        return read_array(s, read_item, NULL);
    }
    if (key_is(key, "next_url", 8)) {
        int n, escaped;
        if (*seen & SEEN_NEXT) return -1;
        *seen |= SEEN_NEXT;
        if ((n = is_null(s)) < 0) return -1;
        if (n) return 0;
        if (s->p >= s->end || *s->p != '"') return -1;
        if (read_string(s, &s->next_url, &escaped) || escaped) return -1;
        s->has_next_url = 1;
        return 0;
    }
    return skip_value(s, 1);
}

static int read_page(Parser *s) {
    int seen = 0;
    skip_ws(s);
    if (read_object(s, envelope_member, &seen) || !(seen & SEEN_ITEMS)) return -1;
    skip_ws(s);
    return s->p == s->end ? 0 : -1;
}

/* -- Scanned: one page as read ----------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *body;     /* the bytes the spans point into */
    PyObject *next_url; /* str or None */
    Item *items;
    Py_ssize_t nitems;
    Cell *cells;
    Py_ssize_t ncells;
} Scanned;

static void Scanned_dealloc(Scanned *self) {
    Py_XDECREF(self->body);
    Py_XDECREF(self->next_url);
    PyMem_RawFree(self->items);
    PyMem_RawFree(self->cells);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t Scanned_len(Scanned *self) { return self->nitems; }

static PyObject *Scanned_get_body(Scanned *self, void *closure) {
    return Py_NewRef(self->body);
}

static PyObject *Scanned_get_next_url(Scanned *self, void *closure) {
    return Py_NewRef(self->next_url);
}

static PyObject *Scanned_get_cells(Scanned *self, void *closure) {
    return PyLong_FromSsize_t(self->ncells);
}

static PyGetSetDef Scanned_getset[] = {
    {"body", (getter)Scanned_get_body, NULL, "The page's bytes, as received.", NULL},
    {"next_url", (getter)Scanned_get_next_url, NULL, "The page's next_url, or None.", NULL},
    {"cells", (getter)Scanned_get_cells, NULL, "How many cells the page holds.", NULL},
    {NULL},
};

static PySequenceMethods Scanned_as_sequence = {
    .sq_length = (lenfunc)Scanned_len,
};

static PyTypeObject ScannedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "glokal.kolada._pages.Scanned",
    .tp_doc = "A Kolada data page as scan() read it; len() is its number of items.",
    .tp_basicsize = sizeof(Scanned),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = (destructor)Scanned_dealloc,
    .tp_as_sequence = &Scanned_as_sequence,
    .tp_getset = Scanned_getset,
};

static PyObject *scan(PyObject *module, PyObject *body) {
    if (!PyBytes_Check(body)) {
        PyErr_SetString(PyExc_TypeError, "scan() takes bytes");
        return NULL;
    }
    Parser s = {0};
    s.p = PyBytes_AS_STRING(body);
    s.end = s.p + PyBytes_GET_SIZE(body);
    int failed;
    Py_BEGIN_ALLOW_THREADS
    failed = read_page(&s);
    Py_END_ALLOW_THREADS
    if (failed) {
        PyMem_RawFree(s.items);
        PyMem_RawFree(s.cells);
        if (s.out_of_memory) return PyErr_NoMemory();
        Py_RETURN_NONE;
    }
    PyObject *next_url = Py_None;
    if (s.has_next_url) {
        next_url = PyUnicode_DecodeUTF8(s.next_url.p, s.next_url.n, "strict");
        if (next_url == NULL) {
            PyMem_RawFree(s.items);
            PyMem_RawFree(s.cells);
            return NULL;
        }
    } else {
        Py_INCREF(next_url);
    }
    Scanned *page = PyObject_New(Scanned, &ScannedType);
    if (page == NULL) {
        Py_DECREF(next_url);
        PyMem_RawFree(s.items);
        PyMem_RawFree(s.cells);
        return NULL;
    }
    page->body = Py_NewRef(body);
    page->next_url = next_url;
    page->items = s.items;
    page->nitems = s.nitems;
    page->cells = s.cells;
    page->ncells = s.ncells;
    return (PyObject *)page;
}

/* -- series: a KPI's pages as the rows to store ------------------------------------------ */

typedef struct {
    PyObject *id; /* str */
    int known;
    Py_ssize_t series[3]; /* index into the series, by gender; -1: none yet */
} Unit;

/* Units by their id's bytes: an open-addressing table of indexes into a growing array. */
typedef struct {
    Unit *units;
    Py_ssize_t nunits, units_cap;
    struct Slot {
        const char *p; /* the id's bytes (in a page's body) */
        Py_ssize_t n;
        Py_hash_t hash;
        Py_ssize_t unit; /* -1: empty */
    } *slots;
    Py_ssize_t mask;
} Units;

typedef struct {
    long period;
    const Cell *cell;
    Py_ssize_t series;
} Kept;

typedef struct {
    Py_ssize_t unit;
    int gender;
    Py_ssize_t first, size; /* its cells in the grouped Kept array */
    Py_ssize_t text, text_n; /* its JSON in the text buffer */
} Series;

static PyObject *GENDER_NAMES[3]; /* "T", "K", "M" */

static inline Py_hash_t bytes_hash(const char *p, Py_ssize_t n) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return (Py_hash_t)(h >> 1);
}

static int units_grow(Units *table) {
    Py_ssize_t size = table->mask ? (table->mask + 1) * 2 : 1024;
    struct Slot *slots = PyMem_Malloc((size_t)size * sizeof(struct Slot));
    if (slots == NULL) return -1;
    for (Py_ssize_t i = 0; i < size; i++) slots[i].unit = -1;
    for (Py_ssize_t i = 0; table->mask && i <= table->mask; i++) {
        struct Slot *old = &table->slots[i];
        if (old->unit < 0) continue;
        Py_ssize_t j = old->hash & (size - 1);
        while (slots[j].unit >= 0) j = (j + 1) & (size - 1);
        slots[j] = *old;
    }
    PyMem_Free(table->slots);
    table->slots = slots;
    table->mask = size - 1;
    return 0;
}

static void units_free(Units *table) {
    for (Py_ssize_t i = 0; i < table->nunits; i++) Py_XDECREF(table->units[i].id);
    PyMem_Free(table->units);
    PyMem_Free(table->slots);
}

/* The index of the unit of this id, added (known or not, per ``known``) on first sight. */
static Py_ssize_t units_get(Units *table, Span id, PyObject *known, PyObject *unknown) {
    if ((table->nunits + 1) * 2 > table->mask + 1 && units_grow(table)) {
        PyErr_NoMemory();
        return -1;
    }
    Py_hash_t hash = bytes_hash(id.p, id.n);
    Py_ssize_t j = hash & table->mask;
    for (;;) {
        struct Slot *slot = &table->slots[j];
        if (slot->unit < 0) break;
        if (slot->hash == hash && slot->n == id.n && memcmp(slot->p, id.p, (size_t)id.n) == 0)
            return slot->unit;
        j = (j + 1) & table->mask;
    }
    if (table->nunits == table->units_cap) {
        Py_ssize_t cap = table->units_cap ? table->units_cap * 2 : 512;
        Unit *grown = PyMem_Realloc(table->units, (size_t)cap * sizeof(Unit));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        table->units = grown;
        table->units_cap = cap;
    }
    PyObject *text = PyUnicode_DecodeUTF8(id.p, id.n, "strict");
    if (text == NULL) return -1;
    int is_known = PySequence_Contains(known, text);
    if (is_known < 0 || (!is_known && PySet_Add(unknown, text) < 0)) {
        Py_DECREF(text);
        return -1;
    }
    Py_ssize_t index = table->nunits++;
    table->units[index] = (Unit){text, is_known, {-1, -1, -1}};
    table->slots[j] = (struct Slot){id.p, id.n, hash, index};
    return index;
}

/* Decimal digits of ``v`` at ``w``; returns the end. */
static inline char *write_integer(char *w, int64_t v) {
    char digits[20];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) *w++ = '-';
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n) *w++ = digits[--n];
    return w;
}

/* The longest text of one cell: "[" period "," value ".0" "," count "]" ",". */
#define CELL_TEXT_MAX (1 + 21 + 1 + MAX_NUMBER + 2 + 1 + 21 + 1 + 1)

/* What the GIL-free part of series() works on. */
typedef struct {
    Scanned **pages;
    Py_ssize_t npages;
    Py_ssize_t *item_unit; /* per item of every page, in order: its unit, -1 another KPI's */
    Unit *units;
    Kept *kept, *grouped;
    Series *all;
    Py_ssize_t nseries, series_cap, nkept;
    char *text;
    Py_ssize_t text_n;
    int out_of_memory;
} Build;

/* Gather the kept cells by series, in year order, and write each series' JSON. */
static void build_series(Build *b) {
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < b->npages; i++) {
        Scanned *page = b->pages[i];
        for (Py_ssize_t k = 0; k < page->nitems; k++, at++) {
            if (b->item_unit[at] < 0) continue;
            Unit *unit = &b->units[b->item_unit[at]];
            const Item *item = &page->items[k];
            for (Py_ssize_t c = item->first; c < item->end; c++) {
                const Cell *cell = &page->cells[c];
                if (cell->gender == GENDER_OTHER || cell->deleted ||
                    (cell->null_value && cell->count == 0))
                    continue;
                Py_ssize_t *index = &unit->series[cell->gender];
                if (*index < 0) {
                    if (b->nseries == b->series_cap) {
                        Py_ssize_t cap = b->series_cap ? b->series_cap * 2 : 1024;
                        Series *grown = PyMem_RawRealloc(b->all, (size_t)cap * sizeof(Series));
                        if (grown == NULL) {
                            b->out_of_memory = 1;
                            return;
                        }
                        b->all = grown;
                        b->series_cap = cap;
                    }
                    b->all[b->nseries] =
                        (Series){b->item_unit[at], cell->gender, 0, 0, 0, 0};
                    *index = b->nseries++;
                }
                b->all[*index].size++;
                b->kept[b->nkept++] = (Kept){item->period, cell, *index};
            }
        }
    }
    /* Group by series, each series' cells in the order they came (a counting sort). */
    Py_ssize_t first = 0;
    for (Py_ssize_t j = 0; j < b->nseries; j++) {
        b->all[j].first = first;
        first += b->all[j].size;
        b->all[j].size = 0;
    }
    for (Py_ssize_t j = 0; j < b->nkept; j++) {
        Series *one = &b->all[b->kept[j].series];
        b->grouped[one->first + one->size++] = b->kept[j];
    }
    b->text = PyMem_RawMalloc((size_t)(b->nkept * CELL_TEXT_MAX + b->nseries * 2 + 1));
    if (b->text == NULL) {
        b->out_of_memory = 1;
        return;
    }
    char *w = b->text;
    for (Py_ssize_t j = 0; j < b->nseries; j++) {
        Series *one = &b->all[j];
        Kept *cells = b->grouped + one->first;
        Py_ssize_t n = one->size;
        int in_order = 1;
        for (Py_ssize_t k = 1; k < n && in_order; k++)
            in_order = cells[k - 1].period < cells[k].period;
        if (!in_order) {
            /* Rare: a stable insertion sort by year, then the last of each year kept. */
            for (Py_ssize_t k = 1; k < n; k++) {
                Kept moving = cells[k];
                Py_ssize_t m = k;
                while (m > 0 && cells[m - 1].period > moving.period) {
                    cells[m] = cells[m - 1];
                    m--;
                }
                cells[m] = moving;
            }
            Py_ssize_t kept = 0;
            for (Py_ssize_t k = 0; k < n; k++) {
                if (k + 1 < n && cells[k + 1].period == cells[k].period) continue;
                cells[kept++] = cells[k];
            }
            n = one->size = kept;
        }
        one->text = w - b->text;
        *w++ = '[';
        for (Py_ssize_t k = 0; k < n; k++) {
            const Cell *cell = cells[k].cell;
            if (k) *w++ = ',';
            *w++ = '[';
            w = write_integer(w, cells[k].period);
            *w++ = ',';
            if (cell->null_value) {
                memcpy(w, "null", 4);
                w += 4;
            } else {
                memcpy(w, cell->value.p, (size_t)cell->value.n);
                w += cell->value.n;
                if (cell->integer_value) {
                    memcpy(w, ".0", 2);
                    w += 2;
                }
            }
            *w++ = ',';
            w = write_integer(w, cell->count);
            *w++ = ']';
        }
        *w++ = ']';
        one->text_n = (w - b->text) - one->text;
    }
    b->text_n = w - b->text;
}

static PyObject *series(PyObject *module, PyObject *args) {
    PyObject *pages, *kpi_object, *known;
    if (!PyArg_ParseTuple(args, "OUO:series", &pages, &kpi_object, &known)) return NULL;
    PyObject *pages_fast = PySequence_Fast(pages, "series() takes a sequence of Scanned pages");
    if (pages_fast == NULL) return NULL;
    Build b = {0};
    Units table = {0};
    PyObject *result = NULL, *rows = NULL, *unknown = NULL;
    /* Our own references to the pages: the sequence may change while the GIL is released
     * (or while ``known`` runs Python code), the pages must not. */
    Py_ssize_t npages = PySequence_Fast_GET_SIZE(pages_fast);
    b.pages = PyMem_Calloc((size_t)(npages ? npages : 1), sizeof(Scanned *));
    if (b.pages == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; b.npages < npages; b.npages++) {
        PyObject *page = PySequence_Fast_GET_ITEM(pages_fast, b.npages);
        if (!PyObject_TypeCheck(page, &ScannedType)) {
            PyErr_SetString(PyExc_TypeError, "series() takes Scanned pages");
            goto done;
        }
        b.pages[b.npages] = (Scanned *)Py_NewRef(page);
    }
    Py_ssize_t kpi_n;
    const char *kpi = PyUnicode_AsUTF8AndSize(kpi_object, &kpi_n);
    if (kpi == NULL) goto done;
    Py_ssize_t ncells = 0, nitems = 0;
    for (Py_ssize_t i = 0; i < b.npages; i++) {
        ncells += b.pages[i]->ncells;
        nitems += b.pages[i]->nitems;
    }
    unknown = PySet_New(NULL);
    if (unknown == NULL) goto done;
    b.item_unit = PyMem_RawMalloc((size_t)(nitems ? nitems : 1) * sizeof(Py_ssize_t));
    b.kept = PyMem_RawMalloc((size_t)(ncells ? ncells : 1) * sizeof(Kept));
    b.grouped = PyMem_RawMalloc((size_t)(ncells ? ncells : 1) * sizeof(Kept));
    if (b.item_unit == NULL || b.kept == NULL || b.grouped == NULL || units_grow(&table)) {
        PyErr_NoMemory();
        goto done;
    }
    /* With the GIL: each item's unit, known or not (a set lookup per new unit). */
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < b.npages; i++) {
        Scanned *page = b.pages[i];
        const Item *last = NULL;
        Py_ssize_t unit = -1;
        for (Py_ssize_t k = 0; k < page->nitems; k++, at++) {
            const Item *item = &page->items[k];
            /* A page's items come unit by unit: look the unit up only when it changes. */
            if (last == NULL || last->unit.n != item->unit.n ||
                memcmp(last->unit.p, item->unit.p, (size_t)item->unit.n) != 0) {
                unit = units_get(&table, item->unit, known, unknown);
                if (unit < 0) goto done;
                last = item;
            }
            int ours = item->kpi.n == kpi_n && memcmp(item->kpi.p, kpi, (size_t)kpi_n) == 0;
            b.item_unit[at] = ours && table.units[unit].known ? unit : -1;
        }
    }
    b.units = table.units;
    Py_BEGIN_ALLOW_THREADS
    build_series(&b);
    Py_END_ALLOW_THREADS
    if (b.out_of_memory) {
        PyErr_NoMemory();
        goto done;
    }
    rows = PyList_New(b.nseries);
    if (rows == NULL) goto done;
    Py_ssize_t values = 0;
    for (Py_ssize_t j = 0; j < b.nseries; j++) {
        Series *one = &b.all[j];
        PyObject *cells_text = PyUnicode_New(one->text_n, 127);
        if (cells_text == NULL) goto done;
        memcpy(PyUnicode_1BYTE_DATA(cells_text), b.text + one->text, (size_t)one->text_n);
        PyObject *row = Py_BuildValue("(ONNn)", table.units[one->unit].id,
                                      Py_NewRef(GENDER_NAMES[one->gender]), cells_text,
                                      one->size);
        if (row == NULL) goto done;
        PyList_SET_ITEM(rows, j, row);
        values += one->size;
    }
    result = Py_BuildValue("(OnO)", rows, values, unknown);
done:
    Py_XDECREF(rows);
    Py_XDECREF(unknown);
    units_free(&table);
    PyMem_RawFree(b.item_unit);
    PyMem_RawFree(b.kept);
    PyMem_RawFree(b.grouped);
    PyMem_RawFree(b.all);
    PyMem_RawFree(b.text);
    for (Py_ssize_t i = 0; b.pages != NULL && i < b.npages; i++) Py_DECREF(b.pages[i]);
    PyMem_Free(b.pages);
    Py_DECREF(pages_fast);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_O,
     "scan(body: bytes) -> Scanned | None: one Kolada data page, read strictly; None when it "
     "is not of Kolada's shape (left to the general readers)."},
    {"series", series, METH_VARARGS,
     "series(pages, kpi, known_units) -> (rows, values, unknown_units): the series to store "
     "of one KPI's scanned pages."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "glokal.kolada._pages",
    .m_doc = "Kolada's data pages read and made into series in C (see glokal.kolada.wire).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__pages(void) {
    for (int c = 0x20; c < 0x80; c++) PLAIN[c] = c != '"' && c != '\\';
    if (PyType_Ready(&ScannedType) < 0) return NULL;
    for (int g = 0; g < 3; g++) {
        if (GENDER_NAMES[g] == NULL) GENDER_NAMES[g] = PyUnicode_FromStringAndSize("TKM" + g, 1);
        if (GENDER_NAMES[g] == NULL) return NULL;
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    if (PyModule_AddObjectRef(module, "Scanned", (PyObject *)&ScannedType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
