/*
 * dump.h: the script model as stable, line-oriented text (the format is
 * described at the top of dump.c): what `tcpconform --dump` prints and
 * the parser's golden tests compare.  Script notation for one packet or
 * option (what error messages show) is codec.h's.
 */
#ifndef TC_DUMP_H
#define TC_DUMP_H

struct strbuf;
struct tc_script;

/* Append the model of script to out. */
void tc_script_dump(const struct tc_script *script, struct strbuf *out);

#endif
