#!/usr/bin/env python3
"""Checks of what a browser rendered from tcpconform's --html report, and
of pcapng comments.  Each subcommand prints what it found and exits 1 when
a check fails.

  check.py run DOM --arrows 9,11 --failing 11 --mark "ack 1"
      DOM: chromium --dump-dom of a run page.  Every line of --arrows has
      an arrow (an SVG g.arrow of class line-N), no other line has one, the
      event of --failing (or none with --failing 0) is the one marked
      failing in the picture, its script line is marked in the listing,
      and --mark is the highlighted text of the differing field.
  check.py index DOM DIR
      every link of the matrix resolves to a file below DIR.
  check.py png PNG --red MIN|--no-red
      a screenshot: counts the pure-red pixels (the failing arrow and the
      "differs" text, #e00000) and the blue ones of the arrows (#1b5fbf).
  check.py pcapng FILE
      prints each packet's comment ("-" for none), one a line; fails
      when a packet is stamped before the one ahead of it.
"""
import html.parser
import os
import struct
import sys
import zlib


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.elems = []  # (tag, attrs, path of tags)
        self.marks = []
        self.in_mark = 0
        self.title = ''
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elems.append((tag, a, list(self.stack)))
        if tag == 'mark':
            self.in_mark += 1
            self.marks.append('')
        if tag == 'title' and 'svg' not in self.stack:
            self.in_title = True
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        if tag == 'mark':
            self.in_mark -= 1
        if tag == 'title':
            self.in_title = False

    def handle_data(self, data):
        if self.in_mark:
            self.marks[-1] += data
        if self.in_title:
            self.title += data


def parse(path):
    d = Dom()
    with open(path, encoding='utf-8') as f:
        d.feed(f.read())
    return d


def classes(a):
    return set((a.get('class') or '').split())


def line_of(a):
    """The script line an SVG element is of: its class line-N."""
    for c in classes(a):
        if c.startswith('line-') and c[5:].isdigit():
            return int(c[5:])
    return None


def fail(msg):
    print('FAIL:', msg)
    sys.exit(1)


def opt(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def check_run(args):
    d = parse(args[0])
    want = set(int(x) for x in opt(args, '--arrows', '').split(',') if x)
    failing = int(opt(args, '--failing', '0'))
    mark = opt(args, '--mark')
    svgs = [e for e in d.elems if e[0] == 'svg']
    if len(svgs) != 1:
        fail('%d svg elements, want 1' % len(svgs))
    arrows = [e for e in d.elems if e[0] == 'g' and 'arrow' in classes(e[1])]
    for tag, a, path in arrows:
        if 'svg' not in path:
            fail('an arrow outside the svg')
    lines = set(line_of(a) for _, a, _ in arrows)
    print('arrows at lines', sorted(lines))
    if lines != want:
        fail('arrows at lines %s, want %s' % (sorted(lines), sorted(want)))
    # every arrow carries its line number as text: the parser saw a
    # text element inside each (checked by count of g.arrow > text.ln)
    lns = [e for e in d.elems if e[0] == 'text' and 'ln' in classes(e[1])
           and 'g' in e[2]]
    if len(lns) < len(arrows):
        fail('%d line-number texts for %d arrows' % (len(lns), len(arrows)))
    bad = [line_of(a) for t, a, _ in d.elems
           if t == 'g' and 'event' in classes(a) and 'failing' in classes(a)]
    print('failing events', bad)
    if bad != ([failing] if failing else []):
        fail('failing events %s, want %s' % (bad, failing or 'none'))
    src = [a.get('id') for t, a, _ in d.elems
           if t == 'span' and 'failing' in classes(a)]
    print('failing source lines', src)
    if src != (['L%d' % failing] if failing else []):
        fail('failing source lines %s, want L%d' % (src, failing))
    if mark is not None:
        print('marked', d.marks)
        if mark not in d.marks:
            fail('no <mark>%s</mark> (marks: %s)' % (mark, d.marks))
    scripts = [e for e in d.elems if e[0] in ('script', 'img', 'iframe')]
    if scripts:
        fail('active elements in the page: %s' % scripts)
    print('title', repr(d.title))


def check_index(args):
    d = parse(args[0])
    top = args[1]
    links = [a['href'] for t, a, path in d.elems
             if t == 'a' and 'table' in path and 'href' in a]
    print('%d links' % len(links))
    if not links:
        fail('no links in the matrix')
    for h in links:
        p = os.path.join(top, h)
        if not os.path.isfile(p):
            fail('link %s does not resolve (%s)' % (h, p))
    cells = [sorted(classes(a) - {'cell'}) for t, a, _ in d.elems
             if t == 'td' and 'cell' in classes(a)]
    print('cells', cells)


def png_pixels(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail('not a PNG')
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    if depth != 8 or ctype not in (2, 6):
        fail('PNG depth %d colour type %d not handled' % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    i = 0
    for _ in range(h):
        f = raw[i]
        row = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = row[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                row[x] = (row[x] + a) & 255
            elif f == 2:
                row[x] = (row[x] + b) & 255
            elif f == 3:
                row[x] = (row[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[x] = (row[x] + pr) & 255
        out.append(row)
        prev = row
    return w, h, bpp, out


def check_png(args):
    w, h, bpp, rows = png_pixels(args[0])
    red = blue = 0
    for row in rows:
        for x in range(0, len(row), bpp):
            r, g, b = row[x], row[x + 1], row[x + 2]
            if r >= 200 and g <= 40 and b <= 40:
                red += 1
            if r <= 60 and 70 <= g <= 120 and b >= 160:
                blue += 1
    print('%dx%d: %d red pixels, %d blue pixels' % (w, h, red, blue))
    if blue < 50:
        fail('no arrows drawn (%d blue pixels)' % blue)
    if '--no-red' in args and red:
        fail('%d red pixels in a page with no failure' % red)
    if '--red' in args and red < int(opt(args, '--red')):
        fail('%d red pixels, want at least %s' % (red, opt(args, '--red')))


def check_pcapng(args):
    d = open(args[0], 'rb').read()
    if d[:4] != b'\x0a\x0d\x0d\x0a':
        fail('not a pcapng file')
    pos, last = 0, 0
    while pos < len(d):
        kind, n = struct.unpack_from('<II', d, pos)
        if n < 12 or pos + n > len(d) or n % 4:
            fail('bad block length %d at %d' % (n, pos))
        if struct.unpack_from('<I', d, pos + n - 4)[0] != n:
            fail('trailing length differs at %d' % pos)
        if kind == 6:
            hi, lo = struct.unpack_from('<II', d, pos + 12)
            if (hi << 32 | lo) < last:
                fail('packet stamped before the one ahead of it at %d' % pos)
            last = hi << 32 | lo
            cap = struct.unpack_from('<I', d, pos + 20)[0]
            q = pos + 28 + ((cap + 3) & ~3)
            comment = '-'
            while q < pos + n - 4:
                code, ol = struct.unpack_from('<HH', d, q)
                if code == 0:
                    break
                if code == 1:
                    comment = d[q + 4:q + 4 + ol].decode()
                q += 4 + ((ol + 3) & ~3)
            print(comment)
        pos += n


if __name__ == '__main__':
    cmd, rest = sys.argv[1], sys.argv[2:]
    {'run': check_run, 'index': check_index, 'png': check_png,
     'pcapng': check_pcapng}[cmd](rest)
