/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Python module `cxlmi`: libcxlmi's C API, wrapped by SWIG.
 *
 * The C layer here does only what Python cannot do safely itself:
 *  - it refuses None, freed contexts, closed endpoints and freed tunnel infos before they reach C;
 *  - it turns a command's result into an exception (OSError with errno, or CXLMIError, a
 *    RuntimeError, naming the CXL return code);
 *  - it gives structs with a flexible array room for any response (CXLMI_PY_ROOM), and reads and
 *    writes struct memory only within what each object owns (cxlmi_py_read/write/member);
 *  - it wraps the few functions whose C shape has no Python equivalent (raw buffers, out-params).
 * Everything else (array views, flexible members as lists, the documented aliases, keyword
 * arguments, generators) is plain Python in python/cxlmi_extra.py, appended to cxlmi.py; the
 * Pythonic extras (to_dict, `with`, the log in `logging`, __version__) are python/cxlmi_pythonic.py,
 * appended after it, over the library's private _cxlmi_py_* entry points (src/python_bridge.rs).
 */

%module(docstring="libcxlmi, the CXL Management Interface library, for Python") cxlmi

%{
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libcxlmi.h"
#include "cxlmi/test.h"
#include "cxlmi/emulator.h"
#include "cxlmi/target.h"

/* The largest CCI message payload (a 20-bit length, CXL r3.1 Figure 7-19): no response the library
 * decodes, tunnelled or not, can make it write more than this into a command's output. */
#define CXLMI_PY_ROOM ((size_t)1 << 20)

/* A payload struct as the module knows it: its SWIG type name, C size and extra room. */
struct cxlmi_py_type {
    const char *swig_name;
    const char *name;
    size_t size;
    size_t room;
};

/* An array or nested-struct member, served by python/cxlmi_extra.py. `size` is 0 for a flexible
 * array; `count` names the member that counts its entries ("" when the caller passes a size). */
struct cxlmi_py_member {
    const char *type;
    const char *name;
    size_t offset;
    size_t size;
    size_t elem_size;
    char kind;
    const char *elem;
    const char *count;
    int array;
};
%}

/* SWIG's parser does not know GCC attributes; the layouts come from the C compiler anyway. */
#define __attribute__(x)

%include "stdint.i"
%feature("autodoc", "2");
/* Every argument can be given by name, as the C prototypes name it. */
%feature("kwargs");

/* ---------------------------------------------------------------------------------------------
 * Contexts and endpoints. The C library frees an endpoint when it is closed or its context is
 * freed, and may hand the same address to the next one it makes; a Python handle can outlive
 * both. So a Python handle holds no C pointer: it holds a reference (slot, generation) into the
 * table below. A slot is retired (its generation moves on) when its context or endpoint goes,
 * and every reference to it is refused from then on, whatever the library allocates later.
 */
%{
enum cxlmi_py_kind { CXLMI_PY_FREE, CXLMI_PY_CTX, CXLMI_PY_EP };

struct cxlmi_py_slot {
    void *ptr;                  /* the struct cxlmi_ctx or struct cxlmi_endpoint */
    struct cxlmi_ctx *ctx;      /* an endpoint's context */
    FILE *log;                  /* a context's stream made by the FILE * typemap, closed with it */
    uint32_t gen;
    unsigned char kind;         /* enum cxlmi_py_kind */
    unsigned char in_memory;    /* an endpoint answered from memory (the mock, the emulator): keeps the GIL */
};

/* What a Python handle holds in place of a pointer: its slot and the slot's generation, encoded
 * as the handle's pointer value (never dereferenced, never NULL), so a handle costs no memory of
 * its own and two handles of the same context or endpoint compare equal. */
static void *cxlmi_py_ref(uint32_t slot, uint32_t gen)
{
    return (void *)(uintptr_t)(((uint64_t)gen << 32) | ((uint64_t)slot + 1));
}

static struct cxlmi_py_slot *cxlmi_py_slots;
static uint32_t cxlmi_py_nslots;

/* The slot of a live context or endpoint, or -1. */
static int64_t cxlmi_py_slot_of(void *ptr, enum cxlmi_py_kind kind)
{
    for (uint32_t i = 0; i < cxlmi_py_nslots; i++)
        if (cxlmi_py_slots[i].kind == kind && cxlmi_py_slots[i].ptr == ptr)
            return i;
    return -1;
}

/* A reference to `ptr`, entering it in the table if it is not there yet; NULL when out of memory. */
static void *cxlmi_py_ref_to(void *ptr, enum cxlmi_py_kind kind, struct cxlmi_ctx *ctx)
{
    int64_t slot = cxlmi_py_slot_of(ptr, kind);
    if (slot < 0) {
        for (uint32_t i = 0; i < cxlmi_py_nslots && slot < 0; i++)
            if (cxlmi_py_slots[i].kind == CXLMI_PY_FREE)
                slot = i;
        if (slot < 0) {
            struct cxlmi_py_slot *n = realloc(cxlmi_py_slots, (cxlmi_py_nslots + 16) * sizeof(*n));
            if (!n)
                return NULL;
            memset(n + cxlmi_py_nslots, 0, 16 * sizeof(*n));
            cxlmi_py_slots = n;
            slot = cxlmi_py_nslots;
            cxlmi_py_nslots += 16;
        }
        struct cxlmi_py_slot *s = &cxlmi_py_slots[slot];
        s->ptr = ptr;
        s->ctx = ctx;
        s->log = NULL;
        s->kind = (unsigned char)kind;
        s->in_memory = 0;
    }
    return cxlmi_py_ref((uint32_t)slot, cxlmi_py_slots[slot].gen);
}

/* The live slot a reference names, or NULL when what it named is gone. */
static struct cxlmi_py_slot *cxlmi_py_deref(void *ref, enum cxlmi_py_kind kind)
{
    uint64_t v = (uint64_t)(uintptr_t)ref;
    uint32_t slot = (uint32_t)v - 1, gen = (uint32_t)(v >> 32);
    if ((uint32_t)v == 0 || slot >= cxlmi_py_nslots)
        return NULL;
    struct cxlmi_py_slot *s = &cxlmi_py_slots[slot];
    return s->kind == kind && s->gen == gen ? s : NULL;
}

static void cxlmi_py_retire(struct cxlmi_py_slot *s)
{
    s->kind = CXLMI_PY_FREE;
    s->ptr = NULL;
    s->gen++;
}

/* Sets the Python exception for a failed C call: OSError (of the subclass errno selects) whose
 * message names the function. */
static void cxlmi_py_oserror(const char *fn, int err)
{
    PyObject *exc = PyObject_CallFunction(PyExc_OSError, "is", err ? err : EIO,
                                          err ? strerror(err) : "failed without saying why");
    if (exc) {
        PyObject *fname = PyUnicode_FromString(fn);
        if (fname) {
            PyObject_SetAttrString(exc, "filename", fname);
            Py_DECREF(fname);
        }
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

/* ---------------------------------------------------------------------------------------------
 * The library's private entry points for this module (src/python_bridge.rs): exported with the
 * `_cxlmi_py_` prefix, declared in no installed header.
 */
extern const char *_cxlmi_py_version(void);
extern struct cxlmi_ctx *_cxlmi_py_new_ctx(int log_level, void (*cb)(int level, const char *msg, void *user),
                                           void *user);
extern ssize_t _cxlmi_py_decoded_json(const char *struct_name, const void *bytes, size_t len, char *out,
                                      size_t out_size);

/* The log of a context made with None: each message the library lets through goes to Python's
 * `logging` (the handler cxlmi_pythonic.py sets, cxlmi_py_log_handler). The library logs from
 * whichever thread runs it, with or without the GIL, and while it holds its own locks (an
 * endpoint's, the context's list); Python code run there could wait for one of those (a logging
 * handler that lets the GIL go while another thread, holding the GIL, waits for the same
 * endpoint). So the callback only queues the message, under a lock of its own, and the messages
 * are handed to Python where the module holds the GIL and no lock of the library's: after each
 * call into the library (cxlmi_py_log_flush, from cxlmi_py_check and the %exception below), and
 * from Python's pending calls for messages logged by threads that are not returning to Python. */
struct cxlmi_py_log_msg {
    int level;
    char *text;
};

#define CXLMI_PY_LOG_MAX 4096 /* messages kept until Python takes them; later ones are counted */

static pthread_mutex_t cxlmi_py_log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cxlmi_py_log_msg cxlmi_py_log_queue[CXLMI_PY_LOG_MAX];
static size_t cxlmi_py_log_len;         /* written under the lock; read without it as a hint */
static unsigned long cxlmi_py_log_dropped; /* the same */
static int cxlmi_py_log_scheduled;      /* a pending call is on its way */
static PyObject *cxlmi_py_log_handler;  /* handler(level, text), set by _set_log_handler */

static int cxlmi_py_log_pending(void *arg);

static void cxlmi_py_log_callback(int level, const char *msg, void *user)
{
    (void)user;
    char *text = strdup(msg);
    int schedule = 0;
    pthread_mutex_lock(&cxlmi_py_log_lock);
    if (text && cxlmi_py_log_len < CXLMI_PY_LOG_MAX) {
        cxlmi_py_log_queue[cxlmi_py_log_len].level = level;
        cxlmi_py_log_queue[cxlmi_py_log_len].text = text;
        __atomic_store_n(&cxlmi_py_log_len, cxlmi_py_log_len + 1, __ATOMIC_RELEASE);
        text = NULL;
    } else {
        __atomic_store_n(&cxlmi_py_log_dropped, cxlmi_py_log_dropped + 1, __ATOMIC_RELEASE);
    }
    if (!cxlmi_py_log_scheduled) {
        cxlmi_py_log_scheduled = schedule = 1;
    }
    pthread_mutex_unlock(&cxlmi_py_log_lock);
    free(text);
    /* Py_AddPendingCall needs neither the GIL nor a thread state; the interpreter must live. */
    if (schedule && (!Py_IsInitialized() || Py_AddPendingCall(cxlmi_py_log_pending, NULL) < 0)) {
        pthread_mutex_lock(&cxlmi_py_log_lock);
        cxlmi_py_log_scheduled = 0;
        pthread_mutex_unlock(&cxlmi_py_log_lock);
    }
}

/* Hands the queued messages to the handler, in order. Needs the GIL; keeps errno and any Python
 * exception already set (the caller raises it next). */
static void cxlmi_py_log_flush(void)
{
    if (!__atomic_load_n(&cxlmi_py_log_len, __ATOMIC_ACQUIRE) && !__atomic_load_n(&cxlmi_py_log_dropped, __ATOMIC_ACQUIRE))
        return;
    int saved_errno = errno;
    struct cxlmi_py_log_msg taken[64];
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    for (;;) {
        size_t n;
        unsigned long dropped;
        pthread_mutex_lock(&cxlmi_py_log_lock);
        n = cxlmi_py_log_len < 64 ? cxlmi_py_log_len : 64;
        memcpy(taken, cxlmi_py_log_queue, n * sizeof(taken[0]));
        memmove(cxlmi_py_log_queue, cxlmi_py_log_queue + n, (cxlmi_py_log_len - n) * sizeof(taken[0]));
        __atomic_store_n(&cxlmi_py_log_len, cxlmi_py_log_len - n, __ATOMIC_RELEASE);
        dropped = n < 64 ? cxlmi_py_log_dropped : 0;
        if (dropped)
            __atomic_store_n(&cxlmi_py_log_dropped, 0, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&cxlmi_py_log_lock);
        for (size_t i = 0; i < n; i++) {
            if (cxlmi_py_log_handler) {
                PyObject *r = PyObject_CallFunction(cxlmi_py_log_handler, "is", taken[i].level, taken[i].text);
                if (!r)
                    PyErr_WriteUnraisable(cxlmi_py_log_handler);
                Py_XDECREF(r);
            }
            free(taken[i].text);
        }
        if (dropped && cxlmi_py_log_handler) {
            char text[96];
            snprintf(text, sizeof(text), "%lu log messages dropped: Python did not take them in time", dropped);
            PyObject *r = PyObject_CallFunction(cxlmi_py_log_handler, "is", 4, text);
            if (!r)
                PyErr_WriteUnraisable(cxlmi_py_log_handler);
            Py_XDECREF(r);
        }
        if (n < 64)
            break;
    }
    PyErr_Restore(type, value, tb);
    errno = saved_errno;
}

/* Run by the interpreter in its main thread (with the GIL), as a pending call. */
static int cxlmi_py_log_pending(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cxlmi_py_log_lock);
    cxlmi_py_log_scheduled = 0;
    pthread_mutex_unlock(&cxlmi_py_log_lock);
    cxlmi_py_log_flush();
    return 0;
}

static PyObject *cxlmi_py_error_class;   /* cxlmi.CXLMIError, set when the module loads */

/* 0: fine (Success or Background Command Started). Otherwise sets OSError (rc < 0) or CXLMIError
 * (any other CXL return code). */
static int cxlmi_py_check(const char *fn, int rc, int err)
{
    /* Background Command Started is no failure: the command was accepted and runs on
     * (Sanitize, Scan Media, Transfer FW, ...); the caller gets 1 and polls cxlmi_cmd_bg_op_status. */
    cxlmi_py_log_flush();
    if (rc == 0 || rc == CXLMI_RET_BACKGROUND)
        return 0;
    if (rc == INT_MIN && PyErr_Occurred())
        return -1;          /* refused before the call; the exception says why */
    if (rc < 0) {
        cxlmi_py_oserror(fn, err);
        return -1;
    }
    PyObject *cls = cxlmi_py_error_class ? cxlmi_py_error_class : PyExc_RuntimeError;
    PyObject *exc = PyObject_CallFunction(cls, "si", fn, rc);
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    return -1;
}

/* The Python types of the handles, cxlmi.cxlmi_ctx and cxlmi.cxlmi_endpoint: an object holding a
 * reference, hashable and equal by it, made only by the module. */
typedef struct {
    PyObject_HEAD
    void *ref;
} cxlmi_py_handle_object;

static PyObject *cxlmi_py_handle_types[3];   /* by enum cxlmi_py_kind */

static PyObject *cxlmi_py_handle_object_of(enum cxlmi_py_kind kind, void *ref)
{
    PyTypeObject *t = (PyTypeObject *)cxlmi_py_handle_types[kind];
    cxlmi_py_handle_object *h = PyObject_New(cxlmi_py_handle_object, t);
    if (h)
        h->ref = ref;
    return (PyObject *)h;
}

static Py_hash_t cxlmi_py_handle_hash(PyObject *self)
{
    Py_hash_t h = (Py_hash_t)(uintptr_t)((cxlmi_py_handle_object *)self)->ref;
    return h == -1 ? -2 : h;
}

static PyObject *cxlmi_py_handle_richcompare(PyObject *a, PyObject *b, int op)
{
    if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    int same = ((cxlmi_py_handle_object *)a)->ref == ((cxlmi_py_handle_object *)b)->ref;
    return PyBool_FromLong(op == Py_EQ ? same : !same);
}

static PyObject *cxlmi_py_handle_repr(PyObject *self)
{
    uint64_t v = (uint64_t)(uintptr_t)((cxlmi_py_handle_object *)self)->ref;
    return PyUnicode_FromFormat("<cxlmi.%s %u.%u>", strrchr(Py_TYPE(self)->tp_name, '.') + 1,
                                (unsigned)(uint32_t)v - 1, (unsigned)(v >> 32));
}

static PyObject *cxlmi_py_handle_new(PyTypeObject *t, PyObject *args, PyObject *kwargs)
{
    (void)args;
    (void)kwargs;
    return PyErr_Format(PyExc_TypeError, "%s objects are made by the library (cxlmi_new_ctx, cxlmi_open...)",
                        t->tp_name);
}

static int cxlmi_py_make_handle_type(PyObject *module, enum cxlmi_py_kind kind, const char *name, const char *doc)
{
    PyType_Slot slots[] = {
        { Py_tp_hash, (void *)cxlmi_py_handle_hash },
        { Py_tp_richcompare, (void *)cxlmi_py_handle_richcompare },
        { Py_tp_repr, (void *)cxlmi_py_handle_repr },
        { Py_tp_new, (void *)cxlmi_py_handle_new },
        { Py_tp_doc, (void *)doc },
        { 0, NULL },
    };
    PyType_Spec spec = { name, sizeof(cxlmi_py_handle_object), 0, Py_TPFLAGS_DEFAULT, slots };
    PyObject *t = PyType_FromSpec(&spec);
    if (!t)
        return -1;
    cxlmi_py_handle_types[kind] = t;
    Py_INCREF(t);
    return PyModule_AddObject(module, strrchr(name, '.') + 1, t);
}

/* The slot behind a Python handle object, or NULL with a Python error set (TypeError: not a
 * handle of that kind; ValueError: a freed context or closed endpoint). */
static struct cxlmi_py_slot *cxlmi_py_handle(PyObject *obj, enum cxlmi_py_kind kind, const char *fn)
{
    if (Py_TYPE(obj) != (PyTypeObject *)cxlmi_py_handle_types[kind]) {
        PyErr_Format(PyExc_TypeError, obj == Py_None ? "%s: %s is needed, not None" : "%s: expected %s, not %s",
                     fn, kind == CXLMI_PY_CTX ? "a cxlmi_ctx" : "a cxlmi_endpoint", Py_TYPE(obj)->tp_name);
        return NULL;
    }
    void *ref = ((cxlmi_py_handle_object *)obj)->ref;
    struct cxlmi_py_slot *s = cxlmi_py_deref(ref, kind);
    if (!s) {
        PyErr_Format(PyExc_ValueError, "%s: the %s", fn,
                     kind == CXLMI_PY_CTX ? "context has been freed" : "endpoint is closed");
    }
    return s;
}

%}

%typemap(in) struct cxlmi_ctx * (struct cxlmi_py_slot *slot = 0) {
    slot = cxlmi_py_handle($input, CXLMI_PY_CTX, "$symname");
    if (!slot)
        SWIG_fail;
    $1 = (struct cxlmi_ctx *)slot->ptr;
}

%typemap(in) struct cxlmi_endpoint * (struct cxlmi_py_slot *slot = 0) {
    slot = cxlmi_py_handle($input, CXLMI_PY_EP, "$symname");
    if (!slot)
        SWIG_fail;
    $1 = (struct cxlmi_endpoint *)slot->ptr;
}


/* None is "no tunnel". A tunnel info made from Python carries a flag after the C struct that
 * cxlmi_tunnel_free() sets; Python frees the memory when the last reference goes, so a freed one
 * is refused here (and by its field accessors), never read freed. */
%{
struct cxlmi_py_tunnel {
    struct cxlmi_tunnel_info ti;
    int freed;
};

static struct cxlmi_tunnel_info *cxlmi_py_tunnel_arg(PyObject *obj, swig_type_info *ty, const char *fn, int allow_freed)
{
    void *p = 0;
    if (!SWIG_IsOK(SWIG_ConvertPtr(obj, &p, ty, 0)) || !p) {
        PyErr_Format(PyExc_TypeError, "%s: expected a cxlmi_tunnel_info or None, not %s", fn, Py_TYPE(obj)->tp_name);
        return NULL;
    }
    if (!allow_freed && ((struct cxlmi_py_tunnel *)p)->freed) {
        PyErr_Format(PyExc_ValueError, "%s: the tunnel info has been freed", fn);
        return NULL;
    }
    return p;
}
%}

%typemap(in) struct cxlmi_tunnel_info * {
    if ($input == Py_None) {
        $1 = NULL;
    } else if (!($1 = cxlmi_py_tunnel_arg($input, $descriptor, "$symname", 0))) {
        SWIG_fail;
    }
}

/* Its field accessors refuse a freed one too; only its destructor takes it. */
%typemap(in) struct cxlmi_tunnel_info *self {
    if (!($1 = cxlmi_py_tunnel_arg($input, $descriptor, "$symname",
                                   !strcmp("$symname", "delete_cxlmi_tunnel_info"))))
        SWIG_fail;
}

%extend cxlmi_tunnel_info {
    cxlmi_tunnel_info() {
        return calloc(1, sizeof(struct cxlmi_py_tunnel));
    }
}

/* Every other struct pointer (payloads) must be an object of the right type, never None. */
%typemap(in) SWIGTYPE * (void *argp = 0, int res = 0) {
    if ($input == Py_None) {
        PyErr_SetString(PyExc_TypeError, "$symname: argument '$1_name' must be a $*1_ltype, not None");
        SWIG_fail;
    }
    res = SWIG_ConvertPtr($input, &argp, $descriptor, 0);
    if (!SWIG_IsOK(res))
        SWIG_exception_fail(SWIG_ArgError(res), "$symname: argument '$1_name' must be a $*1_ltype");
    $1 = ($ltype)argp;
}

/* A log stream: None (no stream: cxlmi_new_ctx logs to Python's `logging`, see cxlmi_py_log_callback)
 * or a Python file object (sys.stderr for standard error). The library gets its own FILE on a
 * duplicate of the file's descriptor, closed when the context is freed. */
%typemap(in) FILE *fp {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        int fd = PyObject_AsFileDescriptor($input);
        if (fd < 0) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "$symname: the log must be None or a file object with a fileno()");
            SWIG_fail;
        }
        int dupfd = dup(fd);
        $1 = dupfd < 0 ? NULL : fdopen(dupfd, "a");
        if (!$1) {
            if (dupfd >= 0)
                close(dupfd);
            cxlmi_py_oserror("$symname", errno);
            SWIG_fail;
        }
        setvbuf($1, NULL, _IOLBF, 0);
    }
}

/* Results: an endpoint or context that could not be made raises OSError; a command's status
 * raises OSError or CXLMIError (typemap copied to each command by cxlmi_layout.i); counts and
 * the other statuses raise OSError only when negative. */
%typemap(out) struct cxlmi_endpoint * {
    if (!$1 && (strcmp("$symname", "cxlmi_first_endpoint") && strcmp("$symname", "cxlmi_next_endpoint"))) {
        cxlmi_py_oserror("$symname", errno);
        SWIG_fail;
    }
    if ($1) {
        /* every function returning an endpoint takes its context or a sibling first */
        void *ref = cxlmi_py_ref_to($1, CXLMI_PY_EP, (struct cxlmi_ctx *)arg1);
        if (!ref)
            SWIG_exception_fail(SWIG_MemoryError, "$symname: out of memory");
        /* the mock and the emulator answer from memory, at once */
        if (!strcmp("$symname", "cxlmi_open_mock") || !strcmp("$symname", "cxlmi_open_emulator"))
            cxlmi_py_deref(ref, CXLMI_PY_EP)->in_memory = 1;
        $result = cxlmi_py_handle_object_of(CXLMI_PY_EP, ref);
    } else {
        $result = SWIG_Py_Void();
    }
}

/* The same for cxlmi_open_target, whose emulated targets (emu:MODEL) answer from memory too. */
%typemap(out) struct cxlmi_endpoint *cxlmi_open_target {
    if (!$1) {
        cxlmi_py_oserror("$symname", errno);
        SWIG_fail;
    }
    void *ref = cxlmi_py_ref_to($1, CXLMI_PY_EP, (struct cxlmi_ctx *)arg1);
    if (!ref)
        SWIG_exception_fail(SWIG_MemoryError, "$symname: out of memory");
    if (arg2 && !strncmp(arg2, "emu:", 4))
        cxlmi_py_deref(ref, CXLMI_PY_EP)->in_memory = 1;
    $result = cxlmi_py_handle_object_of(CXLMI_PY_EP, ref);
}

%typemap(out) int CXLMI_PY_STATUS {
    if (cxlmi_py_check("$symname", $1, errno))
        SWIG_fail;
    $result = PyLong_FromLong($1);
}

%typemap(out) int CXLMI_PY_COUNT {
    if ($1 < 0) {
        cxlmi_py_oserror("$symname", errno);
        SWIG_fail;
    }
    $result = PyLong_FromLong($1);
}
%typemap(out) int cxlmi_scan = int CXLMI_PY_COUNT;
%typemap(out) int cxlmi_scan_mctp = int CXLMI_PY_COUNT;
%typemap(out) int cxlmi_endpoint_set_timeout = int CXLMI_PY_COUNT;
%typemap(out) int cxlmi_py_mock_set_response = int CXLMI_PY_COUNT;

/* ---------------------------------------------------------------------------------------------
 * Functions replaced by the versions below (or in cxlmi_extra.py).
 */
%ignore cxlmi_new_ctx;
%ignore cxlmi_free_ctx;
%ignore cxlmi_close;
%ignore cxlmi_open_mctp;
%ignore cxlmi_cmd_retcode_tostr;
%ignore cxlmi_cmd_get_log;
%ignore cxlmi_cmd_memdev_get_lsa;
%ignore cxlmi_cmd_memdev_security_receive;
%ignore cxlmi_cmd_vendor_specific;
%ignore cxlmi_cmd_transfer_fw;
%ignore cxlmi_cmd_set_feature;
%ignore cxlmi_cmd_memdev_set_lsa;
%ignore cxlmi_cmd_memdev_security_send;
%ignore cxlmi_mock_set_response;
%ignore cxlmi_mock_get_stats;
%ignore cxlmi_mock_get_last_command;
/* Upstream's header lacks it; the module keeps what upstream's module had. */
%ignore cxlmi_cci_msg;

/* The functions besides the commands that may log: what they logged goes to Python's logging
 * as they return (the commands' status typemap, cxlmi_py_check, does the same). */
%define CXLMI_PY_LOGS(name)
%exception name {
    $action
    cxlmi_py_log_flush();
}
%enddef
CXLMI_PY_LOGS(cxlmi_py_new_ctx)
CXLMI_PY_LOGS(cxlmi_py_free_ctx)
CXLMI_PY_LOGS(cxlmi_set_probe_enabled)
CXLMI_PY_LOGS(cxlmi_open)
CXLMI_PY_LOGS(cxlmi_py_open_mctp)
CXLMI_PY_LOGS(cxlmi_open_mock)
CXLMI_PY_LOGS(cxlmi_open_emulator)
CXLMI_PY_LOGS(cxlmi_open_target)
CXLMI_PY_LOGS(cxlmi_scan)
CXLMI_PY_LOGS(cxlmi_scan_mctp)
CXLMI_PY_LOGS(cxlmi_py_close)
CXLMI_PY_LOGS(cxlmi_first_endpoint)
CXLMI_PY_LOGS(cxlmi_next_endpoint)
CXLMI_PY_LOGS(cxlmi_endpoint_get_timeout)
CXLMI_PY_LOGS(cxlmi_endpoint_set_timeout)
CXLMI_PY_LOGS(cxlmi_endpoint_has_fmapi)
CXLMI_PY_LOGS(cxlmi_endpoint_enable_fmapi)
CXLMI_PY_LOGS(cxlmi_endpoint_disable_fmapi)
CXLMI_PY_LOGS(cxlmi_py_mock_set_response)
/* Called through cxlmi_py_command_call, which takes the keywords: arguments by position only. */
%feature("kwargs", "0") cxlmi_py_mock_set_response;
CXLMI_PY_LOGS(cxlmi_mock_clear_responses)
CXLMI_PY_LOGS(cxlmi_py_mock_get_stats)
CXLMI_PY_LOGS(cxlmi_py_mock_get_last_command)

%include "cxlmi_layout.i"

%include "cxlmi/api-types.h"
%include "libcxlmi.h"
%include "cxlmi/test.h"
%include "cxlmi/emulator.h"
%include "cxlmi/target.h"

%newobject cxlmi_tunnel_mld;
%newobject cxlmi_tunnel_switch;
%newobject cxlmi_tunnel_switch_mld;
%newobject cxlmi_tunnel_mhd;

%rename(cxlmi_new_ctx) cxlmi_py_new_ctx;
%rename(cxlmi_free_ctx) cxlmi_py_free_ctx;
%rename(cxlmi_close) cxlmi_py_close;
%rename(cxlmi_open_mctp) cxlmi_py_open_mctp;
%rename(_retcode_tostr) cxlmi_py_retcode_tostr;
%rename(cxlmi_cmd_get_log) cxlmi_py_get_log;
%rename(cxlmi_cmd_memdev_get_lsa) cxlmi_py_get_lsa;
%rename(cxlmi_cmd_memdev_security_receive) cxlmi_py_security_receive;
%rename(cxlmi_cmd_vendor_specific) cxlmi_py_vendor_specific;
%rename(cxlmi_cmd_transfer_fw) cxlmi_py_transfer_fw;
%rename(cxlmi_cmd_set_feature) cxlmi_py_set_feature;
%rename(cxlmi_cmd_memdev_set_lsa) cxlmi_py_set_lsa;
%rename(cxlmi_cmd_memdev_security_send) cxlmi_py_security_send;
%rename(cxlmi_mock_set_response) cxlmi_py_mock_set_response;
%rename(cxlmi_mock_get_stats) cxlmi_py_mock_get_stats;
%rename(cxlmi_mock_get_last_command) cxlmi_py_mock_get_last_command;
%rename(_read) cxlmi_py_read;
%rename(_write) cxlmi_py_write;
%rename(_member) cxlmi_py_member_view;
%rename(_layout) cxlmi_py_layout;
%rename(_set_error_class) cxlmi_py_set_error_class;

/* Byte buffers in: anything with the buffer protocol (bytes, bytearray, memoryview). */
/* The view is cleared before any argument is converted: a failure in an earlier argument runs
 * the freearg code below too. */
%typemap(arginit) (const void *data, size_t data_len) "memset(&view$argnum, 0, sizeof(view$argnum));";
%typemap(in) (const void *data, size_t data_len) (Py_buffer view) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
    } else if (PyBytes_CheckExact($input)) {
        /* the common case, without a buffer to take and release: bytes do not change */
        $1 = PyBytes_AS_STRING($input);
        $2 = (size_t)PyBytes_GET_SIZE($input);
    } else {
        if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
            SWIG_fail;
        $1 = view.buf;
        $2 = (size_t)view.len;
    }
}
%typemap(freearg) (const void *data, size_t data_len) {
    if (view$argnum.obj)
        PyBuffer_Release(&view$argnum);
}

%typemap(in) PyObject * "$1 = $input;";
%typemap(out) PyObject * {
    if (!$1)
        SWIG_fail;
    $result = $1;
}

/* The argument blocks of the calls below, for the C layer only: no Python class. */
%ignore cxlmi_py_call;
%ignore cxlmi_py_vendor;

%inline %{
PyObject *cxlmi_py_new_ctx(FILE *fp, int log_level)
{
    /* None: the messages go to the logger `cxlmi` of Python's logging. */
    struct cxlmi_ctx *ctx = fp ? cxlmi_new_ctx(fp, log_level) : _cxlmi_py_new_ctx(log_level, cxlmi_py_log_callback, NULL);
    if (!ctx) {
        int err = errno;
        if (fp)
            fclose(fp);
        cxlmi_py_oserror("cxlmi_new_ctx", err);
        return NULL;
    }
    void *ref = cxlmi_py_ref_to(ctx, CXLMI_PY_CTX, NULL);
    if (!ref) {
        cxlmi_free_ctx(ctx);
        if (fp)
            fclose(fp);
        return PyErr_NoMemory();
    }
    cxlmi_py_deref(ref, CXLMI_PY_CTX)->log = fp;
    return cxlmi_py_handle_object_of(CXLMI_PY_CTX, ref);
}

/* Freeing a context twice, or after its endpoints, is harmless from Python. */
void cxlmi_py_free_ctx(PyObject *ctx)
{
    struct cxlmi_py_slot *c = ctx == Py_None ? NULL : cxlmi_py_handle(ctx, CXLMI_PY_CTX, "cxlmi_free_ctx");
    if (!c) {
        PyErr_Clear();
        return;
    }
    struct cxlmi_ctx *p = c->ptr;
    FILE *log = c->log;
    for (uint32_t i = 0; i < cxlmi_py_nslots; i++)
        if (cxlmi_py_slots[i].kind == CXLMI_PY_EP && cxlmi_py_slots[i].ctx == p)
            cxlmi_py_retire(&cxlmi_py_slots[i]);
    cxlmi_py_retire(c);
    cxlmi_free_ctx(p);
    if (log)
        fclose(log);
}

/* Closing an endpoint twice, or after its context was freed, is harmless from Python. */
void cxlmi_py_close(PyObject *ep)
{
    struct cxlmi_py_slot *e = ep == Py_None ? NULL : cxlmi_py_handle(ep, CXLMI_PY_EP, "cxlmi_close");
    if (!e) {
        PyErr_Clear();
        return;
    }
    struct cxlmi_endpoint *p = e->ptr;
    cxlmi_py_retire(e);
    cxlmi_close(p);
}


struct cxlmi_endpoint *cxlmi_py_open_mctp(struct cxlmi_ctx *ctx, unsigned int net, unsigned int eid)
{
    if (eid > 0xff) {
        errno = EINVAL;
        return NULL;
    }
    return cxlmi_open_mctp(ctx, net, (uint8_t)eid);
}

PyObject *cxlmi_py_retcode_tostr(unsigned int code)
{
    const char *s = cxlmi_cmd_retcode_tostr((enum cxlmi_cmd_retcode)code);
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_FromString(s);
}

void cxlmi_py_set_error_class(PyObject *cls)
{
    Py_XINCREF(cls);
    Py_XDECREF(cxlmi_py_error_class);
    cxlmi_py_error_class = cls;
}

/* Commands whose output is a plain buffer: the size comes from the request, and the result is
 * `bytes` of that size. */
static PyObject *cxlmi_py_bytes_cmd(const char *fn, size_t len,
                                    int (*run)(void *arg, void *buf), void *arg)
{
    if (len > CXLMI_PY_ROOM)
        return PyErr_Format(PyExc_ValueError, "%s: %zu bytes asked for, at most %zu can come back",
                            fn, len, CXLMI_PY_ROOM);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (!out)
        return NULL;
    memset(PyBytes_AS_STRING(out), 0, len);
    int rc, err;
    Py_BEGIN_ALLOW_THREADS
    /* the library takes an empty buffer as NULL, size 0 */
    rc = run(arg, len ? PyBytes_AS_STRING(out) : NULL);
    err = errno;
    Py_END_ALLOW_THREADS
    if (cxlmi_py_check(fn, rc, err)) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

struct cxlmi_py_call { struct cxlmi_endpoint *ep; struct cxlmi_tunnel_info *ti; void *in; };

static int cxlmi_py_run_get_log(void *a, void *buf)
{
    struct cxlmi_py_call *c = a;
    return cxlmi_cmd_get_log(c->ep, c->ti, c->in, buf);
}
static int cxlmi_py_run_get_lsa(void *a, void *buf)
{
    struct cxlmi_py_call *c = a;
    return cxlmi_cmd_memdev_get_lsa(c->ep, c->ti, c->in, buf);
}
static int cxlmi_py_run_security_receive(void *a, void *buf)
{
    struct cxlmi_py_call *c = a;
    return cxlmi_cmd_memdev_security_receive(c->ep, c->ti, c->in, buf);
}

/* Get Log (0401h): `in.length` bytes of the log. */
PyObject *cxlmi_py_get_log(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
                           struct cxlmi_cmd_get_log_req *in)
{
    struct cxlmi_py_call c = { ep, ti, in };
    return cxlmi_py_bytes_cmd("cxlmi_cmd_get_log", in->length, cxlmi_py_run_get_log, &c);
}

/* Get LSA (4102h): `in.length` bytes of the label storage area. */
PyObject *cxlmi_py_get_lsa(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
                           struct cxlmi_cmd_memdev_get_lsa_req *in)
{
    struct cxlmi_py_call c = { ep, ti, in };
    return cxlmi_py_bytes_cmd("cxlmi_cmd_memdev_get_lsa", in->length, cxlmi_py_run_get_lsa, &c);
}

/* Security Receive (4601h): the 264 bytes of the security protocol information. */
PyObject *cxlmi_py_security_receive(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
                                    struct cxlmi_cmd_memdev_security_receive_req *in)
{
    struct cxlmi_py_call c = { ep, ti, in };
    return cxlmi_py_bytes_cmd("cxlmi_cmd_memdev_security_receive", 264, cxlmi_py_run_security_receive, &c);
}

struct cxlmi_py_vendor { struct cxlmi_endpoint *ep; struct cxlmi_tunnel_info *ti; uint16_t opcode;
                         const void *data; size_t data_len; size_t ret_size; };
static int cxlmi_py_run_vendor(void *a, void *buf)
{
    struct cxlmi_py_vendor *v = a;
    return cxlmi_cmd_vendor_specific(v->ep, v->ti, v->opcode, (void *)v->data, v->data_len, buf, v->ret_size);
}

/* A vendor-specific command (C000h-FFFFh): `data` as the payload, `ret_size` bytes back. */
PyObject *cxlmi_py_vendor_specific(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
                                   uint16_t opcode, const void *data, size_t data_len,
                                   size_t ret_size)
{
    struct cxlmi_py_vendor v = { ep, ti, opcode, data_len ? data : NULL, data_len, ret_size };
    return cxlmi_py_bytes_cmd("cxlmi_cmd_vendor_specific", ret_size, cxlmi_py_run_vendor, &v);
}
%}

/* ---------------------------------------------------------------------------------------------
 * Struct memory, for the array views of cxlmi_extra.py. An object's capacity is what it owns:
 * its C size, plus the room of a struct with a flexible array when the module allocated it.
 */
%{
static const struct cxlmi_py_type *cxlmi_py_type_of(PyObject *obj, void **ptr, int *own)
{
    SwigPyObject *s = SWIG_Python_GetSwigThis(obj);
    if (!s || !s->ptr || !s->ty) {
        PyErr_SetString(PyExc_TypeError, "expected a cxlmi struct object");
        return NULL;
    }
    for (size_t i = 0; i < sizeof(cxlmi_py_types) / sizeof(cxlmi_py_types[0]); i++)
        if (!strcmp(cxlmi_py_types[i].swig_name, s->ty->name)) {
            *ptr = s->ptr;
            *own = s->own;
            return &cxlmi_py_types[i];
        }
    PyErr_Format(PyExc_TypeError, "expected a cxlmi struct object, not %s", s->ty->str ? s->ty->str : s->ty->name);
    return NULL;
}

/* The bytes [off, off+len) of `obj`, checked against its capacity. */
static char *cxlmi_py_span_or(PyObject *obj, size_t off, size_t len, PyObject *exc)
{
    void *p;
    int own;
    const struct cxlmi_py_type *t = cxlmi_py_type_of(obj, &p, &own);
    if (!t)
        return NULL;
    size_t cap = t->size + (own ? t->room : 0);
    if (off > cap || len > cap - off) {
        PyErr_Format(exc, "bytes %zu..%zu are outside the %zu of this %s", off, off + len, cap, t->name);
        return NULL;
    }
    return (char *)p + off;
}

static char *cxlmi_py_span(PyObject *obj, size_t off, size_t len)
{
    return cxlmi_py_span_or(obj, off, len, PyExc_IndexError);
}
%}

%inline %{
PyObject *cxlmi_py_read(PyObject *obj, size_t off, size_t len)
{
    char *p = cxlmi_py_span(obj, off, len);
    return p ? PyBytes_FromStringAndSize(p, (Py_ssize_t)len) : NULL;
}

PyObject *cxlmi_py_write(PyObject *obj, size_t off, const void *data, size_t data_len)
{
    char *p = cxlmi_py_span(obj, off, data_len);
    if (!p)
        return NULL;
    memcpy(p, data, data_len);
    Py_RETURN_NONE;
}

/* A proxy of the struct `type` at `off` inside `obj` (the caller keeps `obj` alive). */
PyObject *cxlmi_py_member_view(PyObject *obj, size_t off, const char *type)
{
    for (size_t i = 0; i < sizeof(cxlmi_py_types) / sizeof(cxlmi_py_types[0]); i++) {
        if (strcmp(cxlmi_py_types[i].name, type))
            continue;
        char *p = cxlmi_py_span(obj, off, cxlmi_py_types[i].size);
        if (!p)
            return NULL;
        swig_type_info *ty = SWIG_TypeQuery(cxlmi_py_types[i].swig_name + 3);
        if (!ty) {
            char name[160];
            snprintf(name, sizeof(name), "struct %s *", type);
            ty = SWIG_TypeQuery(name);
        }
        if (!ty)
            return PyErr_Format(PyExc_TypeError, "no Python class for struct %s", type);
        return SWIG_NewPointerObj(p, ty, 0);
    }
    return PyErr_Format(PyExc_TypeError, "no such struct: %s", type);
}

/* (types, members): every payload struct as (name, size, room), every array or nested-struct
 * member as (struct, member, offset, size, entry size, kind, entry type, count member, array). */
PyObject *cxlmi_py_layout(void)
{
    size_t nt = sizeof(cxlmi_py_types) / sizeof(cxlmi_py_types[0]);
    size_t nm = sizeof(cxlmi_py_members) / sizeof(cxlmi_py_members[0]);
    PyObject *types = PyList_New((Py_ssize_t)nt), *members = PyList_New((Py_ssize_t)nm);
    if (!types || !members)
        goto fail;
    for (size_t i = 0; i < nt; i++) {
        const struct cxlmi_py_type *t = &cxlmi_py_types[i];
        PyObject *o = Py_BuildValue("(snn)", t->name, (Py_ssize_t)t->size, (Py_ssize_t)t->room);
        if (!o)
            goto fail;
        PyList_SET_ITEM(types, (Py_ssize_t)i, o);
    }
    for (size_t i = 0; i < nm; i++) {
        const struct cxlmi_py_member *m = &cxlmi_py_members[i];
        PyObject *o = Py_BuildValue("(ssnnnCssi)", m->type, m->name, (Py_ssize_t)m->offset,
                                    (Py_ssize_t)m->size, (Py_ssize_t)m->elem_size, (int)m->kind,
                                    m->elem, m->count, m->array);
        if (!o)
            goto fail;
        PyList_SET_ITEM(members, (Py_ssize_t)i, o);
    }
    return Py_BuildValue("(NN)", types, members);
fail:
    Py_XDECREF(types);
    Py_XDECREF(members);
    return NULL;
}
%}

/* ---------------------------------------------------------------------------------------------
 * Commands that read `data_sz` bytes after their request: the size is checked against what the
 * request object holds before the library reads any of it.
 */
%define CXLMI_PY_DATA_COMMAND(pyname, cname, reqtype)
%typemap(out) int pyname = int CXLMI_PY_STATUS;
%inline %{
int pyname(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, PyObject *req, size_t data_sz)
{
    void *in = 0;
    if (!SWIG_IsOK(SWIG_ConvertPtr(req, &in, SWIGTYPE_p_ ## reqtype, 0)) || !in) {
        PyErr_SetString(PyExc_TypeError, #cname ": argument 'req' must be a struct " #reqtype);
        return INT_MIN;
    }
    if (!cxlmi_py_span_or(req, 0, sizeof(struct reqtype) + data_sz, PyExc_ValueError))
        return INT_MIN;
    return cname(ep, ti, in, data_sz);
}
%}
%enddef

CXLMI_PY_DATA_COMMAND(cxlmi_py_transfer_fw, cxlmi_cmd_transfer_fw, cxlmi_cmd_transfer_fw_req)
CXLMI_PY_DATA_COMMAND(cxlmi_py_set_feature, cxlmi_cmd_set_feature, cxlmi_cmd_set_feature_req)
CXLMI_PY_DATA_COMMAND(cxlmi_py_set_lsa, cxlmi_cmd_memdev_set_lsa, cxlmi_cmd_memdev_set_lsa_req)
CXLMI_PY_DATA_COMMAND(cxlmi_py_security_send, cxlmi_cmd_memdev_security_send, cxlmi_cmd_memdev_security_send_req)

/* ---------------------------------------------------------------------------------------------
 * Tunnel infos, allocated here and owned by Python (freed with the object).
 */
/* A tunnel info that could not be made raises: ValueError or TypeError for an argument
 * cxlmi_py_tunnel_id refused (already set), OSError otherwise. */
%typemap(out) struct cxlmi_tunnel_info * {
    if (!$1) {
        if (!PyErr_Occurred())
            cxlmi_py_oserror("$symname", errno);
        SWIG_fail;
    }
    $result = SWIG_NewPointerObj(SWIG_as_voidptr($1), $descriptor, SWIG_POINTER_OWN);
}

%inline %{
static struct cxlmi_tunnel_info *cxlmi_py_tunnel(int port, int ld, int level, bool mhd)
{
    struct cxlmi_tunnel_info *ti = calloc(1, sizeof(struct cxlmi_py_tunnel));
    if (!ti) {
        errno = ENOMEM;
        return NULL;
    }
    ti->port = port;
    ti->ld = ld;
    ti->level = level;
    ti->mhd = mhd;
    return ti;
}

/* A port or LD ID as the Tunnel Management Command carries it (CXL r3.1 section 7.6.7.3.1: one
 * byte, 0 to 255), or -1 with TypeError (not an integer) or ValueError (out of range) set, so a
 * bad one is refused when the tunnel info is made rather than by the command that uses it. */
static int cxlmi_py_tunnel_id(PyObject *v, const char *fn, const char *what)
{
    PyObject *i = PyNumber_Index(v);
    if (!i) {
        PyErr_Format(PyExc_TypeError, "%s: %s must be an int, not %s", fn, what, Py_TYPE(v)->tp_name);
        return -1;
    }
    int overflow = 0;
    long long id = PyLong_AsLongLongAndOverflow(i, &overflow);
    Py_DECREF(i);
    if (overflow || id < 0 || id > 0xff) {
        PyErr_Format(PyExc_ValueError, "%s: %s %R is out of range: a port or LD ID is 0 to 255", fn, what, v);
        return -1;
    }
    return (int)id;
}

/** Tunnel to logical device `ld` (0 to 255) of the MLD the endpoint is. */
struct cxlmi_tunnel_info *cxlmi_tunnel_mld(PyObject *ld)
{
    int l = cxlmi_py_tunnel_id(ld, "cxlmi_tunnel_mld", "ld");
    return l < 0 ? NULL : cxlmi_py_tunnel(-1, l, 1, false);
}
/** Tunnel to the device on downstream port `port` (0 to 255) of the switch the endpoint is. */
struct cxlmi_tunnel_info *cxlmi_tunnel_switch(PyObject *port)
{
    int p = cxlmi_py_tunnel_id(port, "cxlmi_tunnel_switch", "port");
    return p < 0 ? NULL : cxlmi_py_tunnel(p, -1, 1, false);
}
/** Tunnel to logical device `ld` of the MLD behind switch port `port` (two levels; each 0 to 255). */
struct cxlmi_tunnel_info *cxlmi_tunnel_switch_mld(PyObject *port, PyObject *ld)
{
    int p = cxlmi_py_tunnel_id(port, "cxlmi_tunnel_switch_mld", "port");
    int l = p < 0 ? -1 : cxlmi_py_tunnel_id(ld, "cxlmi_tunnel_switch_mld", "ld");
    return l < 0 ? NULL : cxlmi_py_tunnel(p, l, 2, false);
}
/** Tunnel to the LD Pool CCI of the multi-headed device the endpoint is. */
struct cxlmi_tunnel_info *cxlmi_tunnel_mhd(void) { return cxlmi_py_tunnel(-1, -1, 1, true); }

/** Marks a tunnel info freed: using it again raises ValueError. None and a second free are fine. */
void cxlmi_tunnel_free(PyObject *ti)
{
    struct cxlmi_py_tunnel *t;
    if (ti == Py_None)
        return;
    t = (struct cxlmi_py_tunnel *)cxlmi_py_tunnel_arg(ti, SWIGTYPE_p_cxlmi_tunnel_info, "cxlmi_tunnel_free", 1);
    if (!t) {
        PyErr_Clear();
        return;
    }
    t->freed = 1;
}
%}


/* ---------------------------------------------------------------------------------------------
 * The mock endpoint (cxlmi/test.h), with Python shapes for its buffers and out-parameters.
 */
%inline %{
int cxlmi_py_mock_set_response(struct cxlmi_endpoint *ep, uint8_t command_set, uint8_t command,
                               uint16_t return_code, const void *data, size_t data_len)
{
    return cxlmi_mock_set_response(ep, command_set, command, return_code, (void *)data, data_len);
}

/** (commands received, responses returned) of a mock endpoint. */
PyObject *cxlmi_py_mock_get_stats(struct cxlmi_endpoint *ep)
{
    unsigned int sent = 0, returned = 0;
    if (cxlmi_mock_get_stats(ep, &sent, &returned) < 0) {
        cxlmi_py_oserror("cxlmi_mock_get_stats", errno);
        return NULL;
    }
    return Py_BuildValue("(II)", sent, returned);
}

/** (opcode, payload) of the last command a mock endpoint received. */
PyObject *cxlmi_py_mock_get_last_command(struct cxlmi_endpoint *ep)
{
    uint8_t set = 0, cmd = 0;
    size_t len = 0;
    if (cxlmi_mock_get_last_command(ep, &set, &cmd, NULL, &len) < 0) {
        cxlmi_py_oserror("cxlmi_mock_get_last_command", errno);
        return NULL;
    }
    PyObject *payload = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (!payload)
        return NULL;
    size_t got = len;
    if (len && cxlmi_mock_get_last_command(ep, &set, &cmd, PyBytes_AS_STRING(payload), &got) < 0) {
        Py_DECREF(payload);
        cxlmi_py_oserror("cxlmi_mock_get_last_command", errno);
        return NULL;
    }
    return Py_BuildValue("(iN)", (set << 8) | cmd, payload);
}
%}

/* ---------------------------------------------------------------------------------------------
 * The commands and cxlmi_mock_set_response as Python calls them: a C function (METH_FASTCALL)
 * that takes the arguments by position or by name and hands them, in order, to SWIG's wrapper
 * (which converts and checks each as before), so a call runs no Python code of the module's. A
 * parameter not given takes its default: `required` (then TypeError), or a value passed on. With
 * the first argument missing, a command returns what `payload` (its payload's class) makes, as
 * a call without arguments does. python/cxlmi_extra.py makes them (_command).
 */
%{
struct cxlmi_py_command {
    PyMethodDef def;
    PyCFunction wrap;           /* SWIG's wrapper: METH_VARARGS, with METH_KEYWORDS when `keywords` */
    int keywords;
    Py_ssize_t n;
    PyObject *names;            /* the parameter names, a tuple of str */
    PyObject *defaults;         /* a value for each parameter not given */
    PyObject *required;         /* the default that says "required" */
    PyObject *payload;          /* called when the first argument is missing; None: not a command */
    PyObject *spare;            /* a tuple of n, empty between calls */
    char *name;
    char *doc;
};

#define CXLMI_PY_COMMAND_MAX_ARGS 8

/* The `self` of such a function (its __self__): the command's description. */
typedef struct {
    PyObject_HEAD
    struct cxlmi_py_command c;
} cxlmi_py_command_object;

static PyTypeObject *cxlmi_py_command_type;

static void cxlmi_py_command_dealloc(PyObject *self)
{
    struct cxlmi_py_command *c = &((cxlmi_py_command_object *)self)->c;
    PyTypeObject *tp = Py_TYPE(self);
    Py_XDECREF(c->names);
    Py_XDECREF(c->defaults);
    Py_XDECREF(c->required);
    Py_XDECREF(c->payload);
    Py_XDECREF(c->spare);
    PyMem_Free(c->name);
    PyMem_Free(c->doc);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *cxlmi_py_command_call(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    const struct cxlmi_py_command *c = &((cxlmi_py_command_object *)self)->c;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *t;
    if (nkw == 0 && nargs == c->n) {
        /* The common call: every argument, in order, in the command's own tuple when no one else
         * holds it (as CPython's zip() reuses its result tuple); emptied again after the call, so
         * it keeps no argument alive. */
        t = c->spare;
        if (Py_REFCNT(t) == 1) {
            Py_INCREF(t);
            for (Py_ssize_t i = 0; i < nargs; i++) {
                Py_INCREF(args[i]);
                PyTuple_SET_ITEM(t, i, args[i]);
            }
            PyObject *r = c->keywords ? ((PyCFunctionWithKeywords)(void (*)(void))c->wrap)(NULL, t, NULL)
                                      : c->wrap(NULL, t);
            for (Py_ssize_t i = 0; i < nargs; i++) {
                PyObject *v = PyTuple_GET_ITEM(t, i);
                PyTuple_SET_ITEM(t, i, NULL);
                Py_DECREF(v);
            }
            Py_DECREF(t);
            return r;
        }
        t = PyTuple_New(nargs);
        if (!t)
            return NULL;
        for (Py_ssize_t i = 0; i < nargs; i++) {
            Py_INCREF(args[i]);
            PyTuple_SET_ITEM(t, i, args[i]);
        }
    } else {
        PyObject *vals[CXLMI_PY_COMMAND_MAX_ARGS] = { 0 };
        if (nargs > c->n)
            return PyErr_Format(PyExc_TypeError, "%s() takes from 0 to %zd positional arguments but %zd were given",
                                c->name, c->n, nargs);
        for (Py_ssize_t i = 0; i < nargs; i++)
            vals[i] = args[i];
        for (Py_ssize_t k = 0; k < nkw; k++) {
            PyObject *key = PyTuple_GET_ITEM(kwnames, k);
            Py_ssize_t i = 0;
            while (i < c->n && PyTuple_GET_ITEM(c->names, i) != key &&
                   PyUnicode_Compare(PyTuple_GET_ITEM(c->names, i), key) != 0)
                i++;
            if (i == c->n)
                return PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", c->name, key);
            if (vals[i])
                return PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%U'", c->name, key);
            vals[i] = args[nargs + k];
        }
        if (!vals[0] && c->payload != Py_None)
            return PyObject_CallObject(c->payload, NULL);   /* a call without arguments */
        t = PyTuple_New(c->n);
        if (!t)
            return NULL;
        for (Py_ssize_t i = 0; i < c->n; i++) {
            PyObject *v = vals[i] ? vals[i] : PyTuple_GET_ITEM(c->defaults, i);
            if (v == c->required) {
                Py_DECREF(t);
                return PyErr_Format(PyExc_TypeError, "%s() missing required argument '%U'", c->name,
                                    PyTuple_GET_ITEM(c->names, i));
            }
            Py_INCREF(v);
            PyTuple_SET_ITEM(t, i, v);
        }
    }
    PyObject *r = c->keywords ? ((PyCFunctionWithKeywords)(void (*)(void))c->wrap)(NULL, t, NULL) : c->wrap(NULL, t);
    Py_DECREF(t);
    return r;
}

static char *cxlmi_py_strdup(PyObject *s)
{
    const char *u = PyUnicode_AsUTF8(s);
    if (!u)
        return NULL;
    char *d = PyMem_Malloc(strlen(u) + 1);
    if (!d) {
        PyErr_NoMemory();
        return NULL;
    }
    return strcpy(d, u);
}
%}

%rename(_command) cxlmi_py_command_new;
%inline %{
/* `raw` (one of SWIG's functions) as the function `name` of parameters `names`, each with its
 * entry of `defaults`; `payload` is called when the first argument is missing (None: never). */
PyObject *cxlmi_py_command_new(PyObject *name, PyObject *raw, PyObject *names, PyObject *defaults,
                               PyObject *required, PyObject *payload, PyObject *doc)
{
    if (!PyCFunction_Check(raw) || (PyCFunction_GET_FLAGS(raw) & ~METH_KEYWORDS) != METH_VARARGS || !PyTuple_Check(names) ||
        !PyTuple_Check(defaults) || PyTuple_GET_SIZE(names) != PyTuple_GET_SIZE(defaults) ||
        PyTuple_GET_SIZE(names) < 1 || PyTuple_GET_SIZE(names) > CXLMI_PY_COMMAND_MAX_ARGS) {
        PyErr_SetString(PyExc_TypeError, "_command: expected a SWIG function of 1 to 8 parameters");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); i++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(names, i))) {
            PyErr_SetString(PyExc_TypeError, "_command: parameter names are str");
            return NULL;
        }
    cxlmi_py_command_object *self = PyObject_New(cxlmi_py_command_object, cxlmi_py_command_type);
    if (!self)
        return NULL;
    struct cxlmi_py_command *c = &self->c;
    memset(c, 0, sizeof(*c));
    c->wrap = PyCFunction_GET_FUNCTION(raw);
    c->keywords = (PyCFunction_GET_FLAGS(raw) & METH_KEYWORDS) != 0;
    c->n = PyTuple_GET_SIZE(names);
    c->names = names;
    c->defaults = defaults;
    c->required = required;
    c->payload = payload;
    Py_INCREF(names);
    Py_INCREF(defaults);
    Py_INCREF(required);
    Py_INCREF(payload);
    c->spare = PyTuple_New(c->n);
    c->name = cxlmi_py_strdup(name);
    c->doc = doc == Py_None ? NULL : cxlmi_py_strdup(doc);
    if (!c->spare || !c->name || (doc != Py_None && !c->doc)) {
        Py_DECREF(self);
        return NULL;
    }
    c->def.ml_name = c->name;
    c->def.ml_meth = (PyCFunction)(void (*)(void))cxlmi_py_command_call;
    c->def.ml_flags = METH_FASTCALL | METH_KEYWORDS;
    c->def.ml_doc = c->doc;
    PyObject *module = PyUnicode_FromString("cxlmi");
    PyObject *fn = module ? PyCFunction_NewEx(&c->def, (PyObject *)self, module) : NULL;
    Py_XDECREF(module);
    Py_DECREF(self);
    return fn;
}
%}

/* ---------------------------------------------------------------------------------------------
 * For the Pythonic extras (python/cxlmi_pythonic.py): the library's version, where the log of a
 * context made with None goes, and payload structs as the decode layer names them.
 */
%rename(_version) cxlmi_py_version;
%rename(_set_log_handler) cxlmi_py_set_log_handler;
%rename(_decoded_json) cxlmi_py_decoded_json;

%inline %{
PyObject *cxlmi_py_version(void)
{
    return PyUnicode_FromString(_cxlmi_py_version());
}

/* handler(level, text) gets each message of the contexts made with None (None: they are dropped). */
void cxlmi_py_set_log_handler(PyObject *handler)
{
    PyObject *old = cxlmi_py_log_handler;
    cxlmi_py_log_handler = handler == Py_None ? NULL : handler;
    Py_XINCREF(cxlmi_py_log_handler);
    Py_XDECREF(old);
}

/* The decoded form of a payload struct object as JSON text (the document `cxlmi ... --json`
 * prints), read within what the object owns; None when the decode layer does not decode its
 * struct. */
PyObject *cxlmi_py_decoded_json(PyObject *obj)
{
    void *p;
    int own;
    const struct cxlmi_py_type *t = cxlmi_py_type_of(obj, &p, &own);
    if (!t)
        return NULL;
    size_t cap = t->size + (own ? t->room : 0);
    char small[4096];
    ssize_t n = _cxlmi_py_decoded_json(t->name, p, cap, small, sizeof(small));
    if (n >= 0)
        return PyUnicode_FromStringAndSize(small, n);
    if (errno == ENOENT)
        Py_RETURN_NONE;
    if (errno == ERANGE)
        n = _cxlmi_py_decoded_json(t->name, p, cap, NULL, 0);
    if (n < 0) {
        cxlmi_py_oserror("to_dict", errno);
        return NULL;
    }
    char *big = PyMem_Malloc((size_t)n + 1);
    if (!big)
        return PyErr_NoMemory();
    ssize_t got = _cxlmi_py_decoded_json(t->name, p, cap, big, (size_t)n + 1);
    PyObject *text = got >= 0 ? PyUnicode_FromStringAndSize(big, got) : NULL;
    if (got < 0)
        cxlmi_py_oserror("to_dict", errno);
    PyMem_Free(big);
    return text;
}
%}

%init %{
    {
        PyType_Slot command_slots[] = {
            { Py_tp_dealloc, (void *)cxlmi_py_command_dealloc },
            { Py_tp_doc, (void *)"What a command function of the module calls (swig/cxlmi.i, cxlmi_py_command_call)." },
            { 0, NULL },
        };
        PyType_Spec command_spec = { "cxlmi.command", sizeof(cxlmi_py_command_object), 0, Py_TPFLAGS_DEFAULT,
                                     command_slots };
        cxlmi_py_command_type = (PyTypeObject *)PyType_FromSpec(&command_spec);
        if (!cxlmi_py_command_type)
            return NULL;
    }
    if (cxlmi_py_make_handle_type(m, CXLMI_PY_CTX, "cxlmi.cxlmi_ctx",
                                  "A library context: cxlmi_new_ctx() makes one, cxlmi_free_ctx() frees it.") < 0 ||
        cxlmi_py_make_handle_type(m, CXLMI_PY_EP, "cxlmi.cxlmi_endpoint",
                                  "An open endpoint: made by cxlmi_open(), cxlmi_open_mctp(), cxlmi_open_mock(), "
                                  "cxlmi_open_emulator(), cxlmi_open_target() or a scan; cxlmi_close() closes it.") < 0)
        return NULL;
%}

%pythoncode "cxlmi_extra.py"
%pythoncode "cxlmi_pythonic.py"
