/*
 * pysub.h: the small part of Python that %{ }% blocks are mostly written
 * in, evaluated without starting python3.
 *
 * A block such as `assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd` costs one
 * python3 start per run (50 ms of CPU with the system's python3, 400 ms
 * through a pyenv shim) for a comparison of two integers.  tc_py_run()
 * runs a whole generated file (code.c: the TCP_INFO assignments and the
 * blocks, without its exception hook) when every statement in it is in
 * the subset below and every assertion holds; it then says what python3
 * would have printed.  Anything else, including any assertion that fails,
 * is deferred to python3, so that a failing run's message, its traceback
 * and its status are python3's own, and nothing the subset cannot read
 * exactly is guessed at.
 *
 * The subset, each construct with Python 3's meaning:
 *   - one simple statement per line, or several separated by ';', at the
 *     start of the line (no indentation); blank lines and # comments;
 *     newlines inside parentheses;
 *   - `assert TEST` and `assert TEST, MESSAGE` (MESSAGE is only parsed:
 *     Python evaluates it only when TEST fails, and then python3 runs);
 *   - `NAME = TEST`, `NAME OP= TEST` for + - * // % & | ^ << >>;
 *   - `print(TEST, ...)` as a statement; `pass`; an expression statement;
 *   - TEST: integers (decimal, 0x, 0o, 0b), True and False, names bound
 *     earlier, 'string' and "string" literals without backslashes,
 *     `or`, `and`, `not`, chained comparisons (< > <= >= == !=), | ^ &
 *     << >> + - * // %, unary - + ~ and parentheses, short-circuited as
 *     Python does.
 * Integers are exact within 127 bits; a result beyond defers.  A string
 * may be printed, tested for truth or stand in an unevaluated message;
 * any other use of one defers.
 */
#ifndef TC_PYSUB_H
#define TC_PYSUB_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Run len bytes of Python source.  Returns 0 when it ran to its end in the
 * subset: *out holds what its print() calls wrote.  Returns -1 when
 * python3 must run it instead: nothing was printed, *out is empty, and
 * why (of size whylen) says which line and what, for -v.
 */
int tc_py_run(const char *src, size_t len, struct strbuf *out, char *why, size_t whylen);

#endif
