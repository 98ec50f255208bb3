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
 * arguments, generators) is plain Python in python/cxlmi_extra.py, appended to cxlmi.py.
 */

%module(docstring="libcxlmi, the CXL Management Interface library, for Python") cxlmi

%{
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libcxlmi.h"
#include "cxlmi/test.h"

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
 * freed; a Python handle can outlive both. Live contexts are kept here (with the stream made for
 * their log), and an endpoint is live while some live context lists it.
 */
%{
struct cxlmi_py_ctx {
    struct cxlmi_ctx *ctx;
    FILE *log;                  /* made by the FILE * typemap; closed with the context */
};
static struct cxlmi_py_ctx *cxlmi_py_ctxs;
static size_t cxlmi_py_nctx, cxlmi_py_ctx_cap;
static struct cxlmi_endpoint *cxlmi_py_last_ep;   /* the endpoint last found live */

static struct cxlmi_py_ctx *cxlmi_py_find_ctx(struct cxlmi_ctx *ctx)
{
    for (size_t i = 0; i < cxlmi_py_nctx; i++)
        if (cxlmi_py_ctxs[i].ctx == ctx)
            return &cxlmi_py_ctxs[i];
    return NULL;
}

/* Endpoints answered from memory (the mock): their commands keep the GIL (see cxlmi_layout.i). */
static struct cxlmi_endpoint **cxlmi_py_mem_eps;
static size_t cxlmi_py_nmem, cxlmi_py_mem_cap;

static int cxlmi_py_in_memory(struct cxlmi_endpoint *ep)
{
    for (size_t i = 0; i < cxlmi_py_nmem; i++)
        if (cxlmi_py_mem_eps[i] == ep)
            return 1;
    return 0;
}

static void cxlmi_py_forget_ep(struct cxlmi_endpoint *ep)
{
    for (size_t i = 0; i < cxlmi_py_nmem; i++)
        if (cxlmi_py_mem_eps[i] == ep) {
            cxlmi_py_mem_eps[i] = cxlmi_py_mem_eps[--cxlmi_py_nmem];
            return;
        }
}

static int cxlmi_py_ep_live(struct cxlmi_endpoint *ep)
{
    if (ep == cxlmi_py_last_ep)
        return 1;
    for (size_t i = 0; i < cxlmi_py_nctx; i++)
        for (struct cxlmi_endpoint *e = cxlmi_first_endpoint(cxlmi_py_ctxs[i].ctx); e;
             e = cxlmi_next_endpoint(cxlmi_py_ctxs[i].ctx, e))
            if (e == ep) {
                cxlmi_py_last_ep = ep;
                return 1;
            }
    return 0;
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

static PyObject *cxlmi_py_error_class;   /* cxlmi.CXLMIError, set when the module loads */

/* 0: fine. Otherwise sets OSError (rc < 0) or CXLMIError (rc > 0, a CXL return code). */
static int cxlmi_py_check(const char *fn, int rc, int err)
{
    if (rc == 0)
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
%}

%typemap(in) struct cxlmi_ctx * (void *argp = 0, int res = 0) {
    if ($input == Py_None) {
        PyErr_SetString(PyExc_TypeError, "$symname: a context is needed, not None");
        SWIG_fail;
    }
    res = SWIG_ConvertPtr($input, &argp, $descriptor, 0);
    if (!SWIG_IsOK(res))
        SWIG_exception_fail(SWIG_ArgError(res), "$symname: argument $argnum is not a context");
    if (!cxlmi_py_find_ctx((struct cxlmi_ctx *)argp)) {
        PyErr_SetString(PyExc_ValueError, "$symname: the context has been freed");
        SWIG_fail;
    }
    $1 = (struct cxlmi_ctx *)argp;
}

%typemap(in) struct cxlmi_endpoint * (void *argp = 0, int res = 0) {
    if ($input == Py_None) {
        PyErr_SetString(PyExc_TypeError, "$symname: an endpoint is needed, not None");
        SWIG_fail;
    }
    res = SWIG_ConvertPtr($input, &argp, $descriptor, 0);
    if (!SWIG_IsOK(res))
        SWIG_exception_fail(SWIG_ArgError(res), "$symname: argument $argnum is not an endpoint");
    if (!cxlmi_py_ep_live((struct cxlmi_endpoint *)argp)) {
        PyErr_SetString(PyExc_ValueError, "$symname: the endpoint is closed");
        SWIG_fail;
    }
    $1 = (struct cxlmi_endpoint *)argp;
}

/* None is "no tunnel". cxlmi_tunnel_free() marks a tunnel info freed (level -1) and Python frees
 * its memory when the last reference goes, so a freed one is refused here, never read freed. */
%typemap(in) struct cxlmi_tunnel_info * (void *argp = 0, int res = 0) {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        res = SWIG_ConvertPtr($input, &argp, $descriptor, 0);
        if (!SWIG_IsOK(res))
            SWIG_exception_fail(SWIG_ArgError(res), "$symname: argument $argnum is not a cxlmi_tunnel_info");
        $1 = (struct cxlmi_tunnel_info *)argp;
        if ($1->level == -1 && $1->port == -1 && $1->ld == -1) {
            PyErr_SetString(PyExc_ValueError, "$symname: the tunnel info has been freed");
            SWIG_fail;
        }
    }
}

/* A tunnel info's own methods (field access, deletion) work on a freed one too. */
%typemap(in) struct cxlmi_tunnel_info *self (void *argp = 0, int res = 0) {
    res = SWIG_ConvertPtr($input, &argp, $descriptor, 0);
    if (!SWIG_IsOK(res))
        SWIG_exception_fail(SWIG_ArgError(res), "$symname: not a cxlmi_tunnel_info");
    $1 = (struct cxlmi_tunnel_info *)argp;
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

/* A log stream: None (standard error) or a Python file object. The library gets its own FILE on a
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
    $result = $1 ? SWIG_NewPointerObj(SWIG_as_voidptr($1), $descriptor, 0) : SWIG_Py_Void();
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
%ignore cxlmi_open_mock;
%ignore cxlmi_mock_set_response;
%ignore cxlmi_mock_get_stats;
%ignore cxlmi_mock_get_last_command;
/* Upstream's header lacks it; the module keeps what upstream's module had. */
%ignore cxlmi_cci_msg;

%include "cxlmi_layout.i"

/* The opaque handles as Python classes (the C structs are incomplete): made only by the library. */
%nodefaultctor cxlmi_ctx;
%nodefaultdtor cxlmi_ctx;
%nodefaultctor cxlmi_endpoint;
%nodefaultdtor cxlmi_endpoint;
struct cxlmi_ctx {};
struct cxlmi_endpoint {};

%include "cxlmi/api-types.h"
%include "libcxlmi.h"
%include "cxlmi/test.h"

%newobject cxlmi_tunnel_mld;
%newobject cxlmi_tunnel_switch;
%newobject cxlmi_tunnel_switch_mld;
%newobject cxlmi_tunnel_mhd;

%rename(cxlmi_new_ctx) cxlmi_py_new_ctx;
%rename(cxlmi_free_ctx) cxlmi_py_free_ctx;
%rename(cxlmi_close) cxlmi_py_close;
%rename(cxlmi_open_mock) cxlmi_py_open_mock;
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
%typemap(in) (const void *data, size_t data_len) (Py_buffer view) {
    view.obj = NULL;
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
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

%inline %{
struct cxlmi_ctx *cxlmi_py_new_ctx(FILE *fp, int log_level)
{
    if (cxlmi_py_nctx == cxlmi_py_ctx_cap) {
        size_t cap = cxlmi_py_ctx_cap ? 2 * cxlmi_py_ctx_cap : 4;
        struct cxlmi_py_ctx *n = realloc(cxlmi_py_ctxs, cap * sizeof(*n));
        if (!n) {
            if (fp)
                fclose(fp);
            errno = ENOMEM;
            return NULL;
        }
        cxlmi_py_ctxs = n;
        cxlmi_py_ctx_cap = cap;
    }
    struct cxlmi_ctx *ctx = cxlmi_new_ctx(fp, log_level);
    if (!ctx) {
        int err = errno;
        if (fp)
            fclose(fp);
        errno = err;
        return NULL;
    }
    cxlmi_py_ctxs[cxlmi_py_nctx].ctx = ctx;
    cxlmi_py_ctxs[cxlmi_py_nctx].log = fp;
    cxlmi_py_nctx++;
    return ctx;
}

/* Freeing a context twice, or after its endpoints, is harmless from Python. */
void cxlmi_py_free_ctx(PyObject *ctx)
{
    void *p = 0;
    if (ctx == Py_None || !SWIG_IsOK(SWIG_ConvertPtr(ctx, &p, SWIGTYPE_p_cxlmi_ctx, 0)))
        return;
    struct cxlmi_py_ctx *c = cxlmi_py_find_ctx((struct cxlmi_ctx *)p);
    if (!c)
        return;
    FILE *log = c->log;
    *c = cxlmi_py_ctxs[--cxlmi_py_nctx];
    cxlmi_py_last_ep = NULL;
    for (struct cxlmi_endpoint *e = cxlmi_first_endpoint(p); e; e = cxlmi_next_endpoint(p, e))
        cxlmi_py_forget_ep(e);
    cxlmi_free_ctx((struct cxlmi_ctx *)p);
    if (log)
        fclose(log);
}

/* Closing an endpoint twice, or after its context was freed, is harmless from Python. */
void cxlmi_py_close(PyObject *ep)
{
    void *p = 0;
    if (ep == Py_None || !SWIG_IsOK(SWIG_ConvertPtr(ep, &p, SWIGTYPE_p_cxlmi_endpoint, 0)))
        return;
    if (!cxlmi_py_ep_live((struct cxlmi_endpoint *)p))
        return;
    cxlmi_py_last_ep = NULL;
    cxlmi_py_forget_ep((struct cxlmi_endpoint *)p);
    cxlmi_close((struct cxlmi_endpoint *)p);
}

struct cxlmi_endpoint *cxlmi_py_open_mock(struct cxlmi_ctx *ctx)
{
    if (cxlmi_py_nmem == cxlmi_py_mem_cap) {
        size_t cap = cxlmi_py_mem_cap ? 2 * cxlmi_py_mem_cap : 4;
        struct cxlmi_endpoint **n = realloc(cxlmi_py_mem_eps, cap * sizeof(*n));
        if (!n) {
            errno = ENOMEM;
            return NULL;
        }
        cxlmi_py_mem_eps = n;
        cxlmi_py_mem_cap = cap;
    }
    struct cxlmi_endpoint *ep = cxlmi_open_mock(ctx);
    if (ep)
        cxlmi_py_mem_eps[cxlmi_py_nmem++] = ep;
    return ep;
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
int pyname(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, PyObject *in, size_t data_sz)
{
    void *req = 0;
    if (!SWIG_IsOK(SWIG_ConvertPtr(in, &req, SWIGTYPE_p_ ## reqtype, 0)) || !req) {
        PyErr_SetString(PyExc_TypeError, #cname ": argument 'in' must be a struct " #reqtype);
        return INT_MIN;
    }
    if (!cxlmi_py_span_or(in, 0, sizeof(struct reqtype) + data_sz, PyExc_ValueError))
        return INT_MIN;
    return cname(ep, ti, req, data_sz);
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
%inline %{
static struct cxlmi_tunnel_info *cxlmi_py_tunnel(int port, int ld, int level, bool mhd)
{
    struct cxlmi_tunnel_info *ti = calloc(1, sizeof(*ti));
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

/** Tunnel to logical device `ld` of the MLD the endpoint is. */
struct cxlmi_tunnel_info *cxlmi_tunnel_mld(int ld) { return cxlmi_py_tunnel(-1, ld, 1, false); }
/** Tunnel to the device on downstream port `port` of the switch the endpoint is. */
struct cxlmi_tunnel_info *cxlmi_tunnel_switch(int port) { return cxlmi_py_tunnel(port, -1, 1, false); }
/** Tunnel to logical device `ld` of the MLD behind switch port `port` (two levels). */
struct cxlmi_tunnel_info *cxlmi_tunnel_switch_mld(int port, int ld) { return cxlmi_py_tunnel(port, ld, 2, false); }
/** Tunnel to the LD Pool CCI of the multi-headed device the endpoint is. */
struct cxlmi_tunnel_info *cxlmi_tunnel_mhd(void) { return cxlmi_py_tunnel(-1, -1, 1, true); }

/** Marks a tunnel info freed: using it again raises ValueError. None and a second free are fine. */
void cxlmi_tunnel_free(PyObject *ti)
{
    void *p = 0;
    if (ti == Py_None || !SWIG_IsOK(SWIG_ConvertPtr(ti, &p, SWIGTYPE_p_cxlmi_tunnel_info, 0)) || !p)
        return;
    struct cxlmi_tunnel_info *t = p;
    t->port = -1;
    t->ld = -1;
    t->level = -1;
    t->mhd = false;
}
%}

%typemap(out) struct cxlmi_tunnel_info * {
    if (!$1) {
        cxlmi_py_oserror("$symname", errno);
        SWIG_fail;
    }
    $result = SWIG_NewPointerObj(SWIG_as_voidptr($1), $descriptor, SWIG_POINTER_OWN);
}

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

%pythoncode "cxlmi_extra.py"
