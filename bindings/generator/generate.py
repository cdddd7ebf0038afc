#!/usr/bin/env python3
"""Generates the FFM bindings of the jmamba C API from native-src/include/jmamba.h.

Reads the header with libclang (clang.cindex, Debian package python3-clang-14)
and writes, in jextract's output style, into package org.jmamba.bindings:

  jmamba_h.java   C layouts, typedef layouts, constants (enum values and integer
                  or floating #defines) and one static method per C function
  <struct>.java   one class per struct defined in the header

Usage:
  python3 bindings/generator/generate.py            regenerate the Java sources
  python3 bindings/generator/generate.py --check    exit 1 and list the files that
                                                    differ from a fresh generation
  python3 bindings/generator/generate.py --probe    exit 0 if libclang is usable

Exit status: 0 ok, 1 out of date (--check), 2 the header uses C the generator
cannot map (or another error), 3 clang.cindex or libclang is not available.
"""

import argparse
import ctypes
import difflib
import os
import re
import sys
import tempfile

EXIT_OK = 0
EXIT_STALE = 1
EXIT_ERROR = 2
EXIT_NO_CLANG = 3

GENERATOR_PATH = "bindings/generator/generate.py"
MARKER = "by " + GENERATOR_PATH + "."

# Places where distributions install clang.cindex for their own python3; used when
# the python3 on PATH (pyenv, a venv) does not see it.
CINDEX_FALLBACK_DIRS = [
    "/usr/lib/python3/dist-packages",
    "/usr/lib/llvm-14/lib/python3/dist-packages",
]


class GenError(Exception):
    """Something in the header that the generator cannot map."""


def import_cindex():
    try:
        import clang.cindex as ci  # noqa: F401
        return ci
    except ImportError:
        pass
    for d in CINDEX_FALLBACK_DIRS:
        if os.path.isfile(os.path.join(d, "clang", "cindex.py")) and d not in sys.path:
            sys.path.append(d)
            try:
                import clang.cindex as ci  # noqa: F401
                return ci
            except ImportError:
                sys.path.remove(d)
    return None


JAVA_KEYWORDS = set("""
abstract assert boolean break byte case catch char class const continue default do double
else enum extends final finally float for goto if implements import instanceof int interface
long native new package private protected public return short static strictfp super switch
synchronized this throw throws transient try void volatile while true false null var yield
record sealed permits non-sealed when _
""".split())


def java_name(name):
    return name + "_" if name in JAVA_KEYWORDS else name


# ---------------------------------------------------------------------------
# Java types for C types
# ---------------------------------------------------------------------------

class JType:
    """How one C type appears in Java.

    kind: 'value' (a primitive), 'pointer', 'struct' (by value), 'array'.
    carrier: the Java type of values (int, long, ..., MemorySegment).
    layout: a Java expression for its MemoryLayout.
    layout_class: the static type of that layout (OfInt, AddressLayout, ...).
    """

    def __init__(self, kind, carrier, layout, layout_class, c_spelling,
                 element=None, dims=None, struct=None, align=1):
        self.kind = kind
        self.carrier = carrier
        self.layout = layout
        self.layout_class = layout_class
        self.c_spelling = c_spelling
        self.element = element      # arrays: the innermost element's JType
        self.dims = dims or []      # arrays: the dimensions, outermost first
        self.struct = struct        # structs: the StructInfo
        self.align = align          # the alignment Java's layout demands


# name of the C layout constant in the header class -> (layout class, carrier, definition)
C_LAYOUTS = [
    ("C_BOOL", "OfBoolean", "boolean", "ValueLayout.JAVA_BOOLEAN"),
    ("C_CHAR", "OfByte", "byte", "ValueLayout.JAVA_BYTE"),
    ("C_SHORT", "OfShort", "short", "ValueLayout.JAVA_SHORT"),
    ("C_INT", "OfInt", "int", "ValueLayout.JAVA_INT"),
    ("C_LONG_LONG", "OfLong", "long", "ValueLayout.JAVA_LONG"),
    ("C_FLOAT", "OfFloat", "float", "ValueLayout.JAVA_FLOAT"),
    ("C_DOUBLE", "OfDouble", "double", "ValueLayout.JAVA_DOUBLE"),
    ("C_POINTER", "AddressLayout", "MemorySegment",
     "ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE))"),
]
C_LAYOUT_BY_NAME = {n: (cls, carrier) for n, cls, carrier, _ in C_LAYOUTS}
INT_LAYOUT_BY_SIZE = {1: "C_CHAR", 2: "C_SHORT", 4: "C_INT", 8: "C_LONG_LONG"}
# the byte alignment of those layouts in Java (64-bit platforms)
JAVA_ALIGN = {"C_BOOL": 1, "C_CHAR": 1, "C_SHORT": 2, "C_INT": 4, "C_LONG_LONG": 8,
              "C_FLOAT": 4, "C_DOUBLE": 8, "C_POINTER": 8}


class Model:
    """Everything collected from the header, in declaration order."""

    def __init__(self):
        self.items = []          # ('typedef'|'const'|'function', data) in order
        self.structs = []        # StructInfo, in order
        self.struct_by_usr = {}  # USR of the struct declaration -> StructInfo
        self.aliases = []        # (typedef name, StructInfo) for typedef names != class name


class StructInfo:
    def __init__(self, cursor, name):
        self.cursor = cursor
        self.name = name          # Java class name and layout name
        self.c_name = name        # how C code names it ("struct x" or a typedef name)
        self.fields = []          # (name, JType, offset bytes)
        self.size = 0
        self.align = 0            # C alignment
        self.java_align = 0       # alignment of the Java layout
        self.c_decl = ""


class Generator:
    def __init__(self, ci, header, package, critical, clang_args, lookup="NativeLibrary.lookup()"):
        self.ci = ci
        self.header = os.path.realpath(header)
        self.include_dir = os.path.dirname(self.header)
        self.package = package
        self.critical = critical
        self.clang_args = clang_args
        self.lookup = lookup
        base = os.path.splitext(os.path.basename(header))[0]
        self.header_class = re.sub(r"[^A-Za-z0-9_]", "_", base) + "_h"
        self.model = Model()
        self.notes = []
        lib = ci.conf.lib
        lib.clang_Cursor_isMacroFunctionLike.argtypes = [ci.Cursor]
        lib.clang_Cursor_isMacroFunctionLike.restype = ctypes.c_uint
        lib.clang_Cursor_Evaluate.argtypes = [ci.Cursor]
        lib.clang_Cursor_Evaluate.restype = ctypes.c_void_p
        lib.clang_EvalResult_getKind.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_getKind.restype = ctypes.c_int
        lib.clang_EvalResult_isUnsignedInt.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_isUnsignedInt.restype = ctypes.c_uint
        lib.clang_EvalResult_getAsUnsigned.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_getAsUnsigned.restype = ctypes.c_ulonglong
        lib.clang_EvalResult_getAsLongLong.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_getAsLongLong.restype = ctypes.c_longlong
        lib.clang_EvalResult_getAsDouble.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_getAsDouble.restype = ctypes.c_double
        lib.clang_EvalResult_dispose.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_dispose.restype = None
        self.lib = lib

    # -- parsing ------------------------------------------------------------

    def args(self):
        return ["-x", "c", "-std=c11", "-I" + self.include_dir] + self.clang_args

    def parse(self, path, unsaved=None):
        ci = self.ci
        index = ci.Index.create()
        opts = (ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD
                | ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES)
        return index.parse(path, args=self.args(), unsaved_files=unsaved, options=opts)

    def ours(self, cursor):
        f = cursor.location.file
        if f is None:
            return False
        p = os.path.realpath(f.name)
        return p == self.header or p.startswith(self.include_dir + os.sep)

    def where(self, cursor):
        loc = cursor.location
        name = os.path.relpath(loc.file.name) if loc.file else "?"
        return "%s:%d" % (name, loc.line)

    def fail(self, cursor, msg):
        raise GenError("%s: %s" % (self.where(cursor), msg))

    def run(self):
        ci = self.ci
        tu = self.parse(self.header)
        errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
        for d in tu.diagnostics:
            if d.severity == ci.Diagnostic.Warning:
                self.notes.append("warning: %s" % d)
        if errors:
            raise GenError("the header does not parse:\n" + "\n".join("  %s" % d for d in errors))
        K = ci.CursorKind
        top = [c for c in tu.cursor.get_children() if self.ours(c)]
        # Structs first (any order of use in the header is fine for C, so collect them all).
        for c in top:
            self.collect_structs(c)
        self.name_anonymous_structs(top)
        for s in self.model.structs:
            self.lay_out(s)
        macros = []
        seen_functions = {}
        for c in top:
            if c.kind == K.MACRO_DEFINITION:
                macros.append(c)
                self.model.items.append(("macro", c))
            elif c.kind == K.ENUM_DECL:
                self.add_enum(c)
            elif c.kind == K.TYPEDEF_DECL:
                self.add_typedef(c)
            elif c.kind == K.FUNCTION_DECL:
                if c.spelling in seen_functions:
                    if seen_functions[c.spelling] != c.type.get_canonical().spelling:
                        self.fail(c, "%s is declared twice with different types" % c.spelling)
                    continue
                seen_functions[c.spelling] = c.type.get_canonical().spelling
                self.add_function(c)
            elif c.kind == K.STRUCT_DECL:
                self.add_nested_enums(c)  # the struct itself was collected above
            elif c.kind == K.UNION_DECL:
                self.fail(c, "unions are not supported (union %s)" % c.spelling)
            elif c.kind == K.VAR_DECL:
                self.fail(c, "global variables are not supported (%s)" % c.spelling)
            elif c.kind in (K.MACRO_INSTANTIATION, K.INCLUSION_DIRECTIVE):
                pass
            else:
                self.fail(c, "cannot map a %s (%s)" % (c.kind.name, c.spelling))
        values = self.evaluate_macros(macros)
        items = []
        for kind, data in self.model.items:
            if kind == "macro":
                if data.spelling in values:
                    items.append(("const", values[data.spelling]))
            else:
                items.append((kind, data))
        self.model.items = items
        names = {}
        for n in C_LAYOUT_BY_NAME:
            names[n] = "a C layout"
        for kind, data in items:
            n = data["name"]
            if n in names:
                raise GenError("%s: the name %s is used twice in %s (%s and %s)"
                               % (data["where"], n, self.header_class, names[n], kind))
            names[n] = kind
        missing = sorted(set(self.critical) - set(d["name"] for k, d in items if k == "function"))
        if missing:
            raise GenError("critical.txt names functions the header does not declare: "
                           + ", ".join(missing))
        class_names = {self.header_class}
        for s in self.model.structs:
            if s.name in class_names:
                raise GenError("%s: struct class %s clashes with another class" % (self.where(s.cursor), s.name))
            class_names.add(s.name)
        for alias, s in self.model.aliases:
            if alias in class_names:
                raise GenError("typedef %s clashes with another class" % alias)
            class_names.add(alias)

    # -- structs ------------------------------------------------------------

    def is_anon(self, cursor):
        s = cursor.spelling
        return s == "" or "(unnamed" in s or "(anonymous" in s

    def collect_structs(self, c):
        K = self.ci.CursorKind
        if c.kind == K.UNION_DECL and c.is_definition():
            self.fail(c, "unions are not supported (union %s)" % c.spelling)
        if c.kind != K.STRUCT_DECL or not c.is_definition():
            return
        usr = c.get_usr()
        if usr in self.model.struct_by_usr:
            return
        # nested named struct definitions are file-scope types in C
        for f in c.get_children():
            if f.kind in (K.STRUCT_DECL, K.UNION_DECL):
                if self.is_anon(f):
                    self.fail(f, "anonymous nested structs/unions are not supported")
                self.collect_structs(f)
        s = StructInfo(c, None if self.is_anon(c) else c.spelling)
        if s.name is not None:
            s.c_name = "struct " + s.name
        self.model.struct_by_usr[usr] = s
        self.model.structs.append(s)

    def typedef_target_struct(self, td):
        t = td.underlying_typedef_type.get_canonical()
        if t.kind != self.ci.TypeKind.RECORD:
            return None
        return t.get_declaration()

    def name_anonymous_structs(self, top):
        K = self.ci.CursorKind
        for c in top:
            if c.kind != K.TYPEDEF_DECL:
                continue
            d = self.typedef_target_struct(c)
            if d is None:
                continue
            s = self.model.struct_by_usr.get(d.get_usr())
            if s is None:
                continue  # an opaque struct
            if s.name is None:
                s.name = c.spelling
                s.c_name = c.spelling
            elif s.name != c.spelling:
                self.model.aliases.append((c.spelling, s))
        for s in self.model.structs:
            if s.name is None:
                self.fail(s.cursor, "an anonymous struct needs a typedef name")

    def lay_out(self, s):
        ci = self.ci
        K = ci.CursorKind
        t = s.cursor.type
        s.size = t.get_size()
        s.align = t.get_align()
        if s.size <= 0:
            self.fail(s.cursor, "struct %s has no size" % s.name)
        lines = []
        for f in s.cursor.get_children():
            if f.kind != K.FIELD_DECL:
                continue
            if f.is_bitfield():
                self.fail(f, "bit fields are not supported (%s.%s)" % (s.name, f.spelling))
            if not f.spelling or self.is_anon(f):
                self.fail(f, "anonymous fields are not supported (in %s)" % s.name)
            bits = f.get_field_offsetof()
            if bits < 0 or bits % 8:
                self.fail(f, "cannot place field %s.%s" % (s.name, f.spelling))
            jt = self.map_type(f.type, f, "field")
            s.fields.append((f.spelling, jt, bits // 8, f))
            lines.append(self.c_declarator(f.type, f.spelling))
        if not s.fields:
            self.fail(s.cursor, "struct %s has no fields" % s.name)
        self.pad(s)
        s.c_decl = "struct %s {\n%s\n}" % (s.name if s.c_name.startswith("struct ") else "",
                                           "\n".join("    %s;" % l for l in lines))
        s.c_decl = s.c_decl.replace("struct  {", "struct {")

    def pad(self, s):
        """The Java members of s: its fields with explicit padding, equal to the C ABI
        (offsets and size come from clang)."""
        members = []
        pos = 0
        max_align = 1
        for fname, jt, off, cur in s.fields:
            if off < pos:
                self.fail(cur, "field %s.%s overlaps the previous one" % (s.name, fname))
            if off > pos:
                members.append("MemoryLayout.paddingLayout(%d)" % (off - pos))
            if off % jt.align:
                self.fail(cur, "field %s.%s is not naturally aligned (packed structs are not supported)"
                          % (s.name, fname))
            max_align = max(max_align, jt.align)
            members.append('%s.withName("%s")' % (jt.layout, fname))
            size = cur.type.get_size()
            if size <= 0:
                self.fail(cur, "field %s.%s has no size" % (s.name, fname))
            pos = off + size
        if s.size < pos:
            self.fail(s.cursor, "struct %s is smaller than its fields" % s.name)
        if s.size > pos:
            members.append("MemoryLayout.paddingLayout(%d)" % (s.size - pos))
        s.align_suffix = ""
        if s.align > max_align:
            s.align_suffix = ".withByteAlignment(%d)" % s.align
        elif s.align < max_align:
            self.fail(s.cursor, "struct %s is packed (alignment %d below its fields' %d); not supported"
                      % (s.name, s.align, max_align))
        if s.size % s.align:
            self.fail(s.cursor, "struct %s size %d is not a multiple of its alignment" % (s.name, s.size))
        s.members = members
        s.java_align = s.align

    def c_declarator(self, t, name):
        TK = self.ci.TypeKind
        dims = ""
        while t.kind == TK.CONSTANTARRAY:
            dims += "[%d]" % t.element_count
            t = t.element_type
        sp = t.spelling
        sep = "" if sp.endswith("*") else " "
        return "%s%s%s%s" % (sp, sep, name, dims)

    # -- types ----------------------------------------------------------------

    def hc(self, name):
        return "%s.%s" % (self.header_class, name)

    def map_type(self, t, where, ctx):
        ci = self.ci
        TK = ci.TypeKind
        spelling = t.spelling
        c = t.get_canonical()
        k = c.kind
        if k == TK.VOID:
            if ctx != "return":
                self.fail(where, "void used as a value type (%s)" % spelling)
            return None
        if k == TK.BOOL:
            return self.value("C_BOOL", spelling)
        if k in (TK.CHAR_S, TK.SCHAR, TK.CHAR_U, TK.UCHAR, TK.SHORT, TK.USHORT, TK.INT, TK.UINT,
                 TK.LONG, TK.ULONG, TK.LONGLONG, TK.ULONGLONG, TK.WCHAR, TK.CHAR16, TK.CHAR32):
            size = c.get_size()
            if size not in INT_LAYOUT_BY_SIZE:
                self.fail(where, "no Java type for %d-byte integer %s" % (size, spelling))
            return self.value(INT_LAYOUT_BY_SIZE[size], spelling)
        if k == TK.FLOAT:
            return self.value("C_FLOAT", spelling)
        if k == TK.DOUBLE:
            return self.value("C_DOUBLE", spelling)
        if k == TK.ENUM:
            return self.map_type(c.get_declaration().enum_type, where, ctx)
        if k == TK.POINTER:
            p = c.get_pointee().get_canonical()
            if p.kind in (TK.FUNCTIONPROTO, TK.FUNCTIONNOPROTO):
                self.fail(where, "function pointers are not supported yet (%s)" % spelling)
            return JType("pointer", "MemorySegment", self.hc("C_POINTER"), "AddressLayout", spelling,
                         align=JAVA_ALIGN["C_POINTER"])
        if k == TK.RECORD:
            d = c.get_declaration()
            if d.kind == ci.CursorKind.UNION_DECL:
                self.fail(where, "unions are not supported (%s)" % spelling)
            s = self.model.struct_by_usr.get(d.get_usr())
            if s is None:
                if not d.is_definition():
                    self.fail(where, "%s is an incomplete (opaque) struct; only pointers to it can be mapped"
                              % spelling)
                self.fail(where, "%s is not defined in %s" % (spelling, self.include_dir))
            if s.name is None:
                self.fail(where, "an anonymous struct is used by value (%s)" % spelling)
            if s.java_align == 0:
                self.fail(where, "struct %s is used before its layout is known" % s.name)
            return JType("struct", "MemorySegment", "%s.%s.layout()" % (self.package, s.name),
                         "GroupLayout", spelling, struct=s, align=s.java_align)
        if k == TK.CONSTANTARRAY:
            if ctx not in ("field", "typedef"):
                self.fail(where, "arrays are only supported as struct fields (%s)" % spelling)
            dims = []
            e = c
            while e.kind == TK.CONSTANTARRAY:
                dims.append(e.element_count)
                e = e.element_type.get_canonical()
            elem = self.map_type(e, where, "element")
            layout = elem.layout
            for n in reversed(dims):
                layout = "MemoryLayout.sequenceLayout(%d, %s)" % (n, layout)
            return JType("array", "MemorySegment", layout, "SequenceLayout", spelling, elem, dims,
                         align=elem.align)
        if k == TK.INCOMPLETEARRAY:
            self.fail(where, "flexible array members / arrays without a size are not supported (%s)" % spelling)
        self.fail(where, "cannot map the C type %s (%s)" % (spelling, k.name))

    def value(self, cname, spelling):
        cls, carrier = C_LAYOUT_BY_NAME[cname]
        return JType("value", carrier, self.hc(cname), cls, spelling, align=JAVA_ALIGN[cname])

    # -- declarations ---------------------------------------------------------

    def add_enum(self, c):
        K = self.ci.CursorKind
        ut = self.map_type(c.enum_type, c, "typedef")
        carrier = "long" if ut.carrier == "long" else "int"
        unsigned = c.enum_type.get_canonical().kind in (
            self.ci.TypeKind.UINT, self.ci.TypeKind.ULONG, self.ci.TypeKind.ULONGLONG,
            self.ci.TypeKind.USHORT, self.ci.TypeKind.UCHAR)
        enum_name = "" if self.is_anon(c) else c.spelling
        for e in c.get_children():
            if e.kind != K.ENUM_CONSTANT_DECL:
                continue
            v = e.enum_value
            if unsigned and v < 0:
                v &= (1 << (8 * c.enum_type.get_canonical().get_size())) - 1
            self.model.items.append(("const", {
                "name": e.spelling, "carrier": carrier, "value": wrap(v, carrier),
                "c": "enum %s.%s = %d" % (enum_name, e.spelling, v) if enum_name
                     else "enum <anonymous>.%s = %d" % (e.spelling, v),
                "where": self.where(e)}))

    def add_nested_enums(self, c):
        """Enums defined inside a struct body are file-scope in C: their values are constants too."""
        K = self.ci.CursorKind
        for f in c.get_children():
            if f.kind == K.ENUM_DECL:
                self.add_enum(f)
            elif f.kind == K.STRUCT_DECL:
                self.add_nested_enums(f)

    def add_typedef(self, c):
        ci = self.ci
        TK = ci.TypeKind
        u = c.underlying_typedef_type
        can = u.get_canonical()
        if can.kind == TK.RECORD:
            d = can.get_declaration()
            if d.kind == ci.CursorKind.UNION_DECL:
                self.fail(c, "unions are not supported (typedef %s)" % c.spelling)
            return  # a struct class, an alias class, or an opaque type used through pointers
        if can.kind in (TK.FUNCTIONPROTO, TK.FUNCTIONNOPROTO):
            self.fail(c, "function types are not supported yet (typedef %s)" % c.spelling)
        jt = self.map_type(u, c, "typedef")
        self.model.items.append(("typedef", {
            "name": c.spelling, "jtype": jt,
            "c": "typedef %s" % self.c_declarator(u, c.spelling), "where": self.where(c)}))

    def add_function(self, c):
        ci = self.ci
        TK = ci.TypeKind
        name = c.spelling
        if c.storage_class == ci.StorageClass.STATIC:
            self.notes.append("note: skipped static function %s (no symbol to link)" % name)
            return
        ft = c.type.get_canonical()
        if ft.kind == TK.FUNCTIONNOPROTO:
            self.fail(c, "%s() has no prototype; declare it as %s(void)" % (name, name))
        if ft.kind != TK.FUNCTIONPROTO:
            self.fail(c, "cannot map function %s" % name)
        if c.type.is_function_variadic():
            self.fail(c, "variadic functions are not supported (%s)" % name)
        ret = self.map_type(c.result_type, c, "return")
        params = []
        used = set()
        for i, a in enumerate(c.get_arguments()):
            pname = java_name(a.spelling) if a.spelling else "x%d" % i
            while pname in used or pname == "allocator":
                pname += "_"
            used.add(pname)
            params.append((pname, self.map_type(a.type, a, "param"), a))
        c_params = ", ".join(self.c_declarator(a.type, a.spelling) if a.spelling else a.type.spelling
                             for _, _, a in params) or "void"
        rs = c.result_type.spelling
        sep = "" if rs.endswith("*") else " "
        self.model.items.append(("function", {
            "name": name, "ret": ret, "params": params,
            "c": "%s%s%s(%s)" % (rs, sep, name, c_params),
            "critical": name in self.critical, "where": self.where(c)}))

    def evaluate_macros(self, macros):
        """Values of the object-like macros that are integer or floating constants."""
        ci = self.ci
        TK = ci.TypeKind
        candidates = []
        for m in macros:
            toks = [t.spelling for t in m.get_tokens()]
            if self.lib.clang_Cursor_isMacroFunctionLike(m):
                self.notes.append("note: skipped function-like macro %s" % m.spelling)
                continue
            if len(toks) <= 1:
                continue  # empty: an include guard or a flag
            candidates.append((m, " ".join(toks[1:])))
        values = {}
        skipped = []
        path = os.path.join(self.include_dir, "__jm_macros__.c")

        def probe(cands):
            """Parses one declaration per candidate; returns the TU and the indexes whose
            line has an error (None when an error cannot be tied to a line)."""
            src = ['#include "%s"' % self.header]
            for i, (m, _) in enumerate(cands):
                src.append("static const __typeof__((%s)) jm__macro_%d = (%s);" % (m.spelling, i, m.spelling))
            tu = self.parse(path, unsaved=[(path, "\n".join(src) + "\n")])
            bad = set()
            for d in tu.diagnostics:
                if d.severity >= ci.Diagnostic.Error:
                    f = d.location.file
                    i = d.location.line - 2
                    if f is None or os.path.realpath(f.name) != path or not 0 <= i < len(cands):
                        return tu, None
                    bad.add(i)
            return tu, bad

        while candidates:
            tu, bad = probe(candidates)
            if bad is None or bad:
                # A broken macro can spoil the lines after it (or the error lands elsewhere):
                # each suspect gets a second chance on its own.
                suspects = set(range(len(candidates))) if bad is None else bad
                keep = []
                for i, cand in enumerate(candidates):
                    if i not in suspects or probe([cand])[1] == set():
                        keep.append(cand)
                    else:
                        skipped.append(cand[0].spelling)
                if len(keep) == len(candidates):
                    raise GenError("cannot evaluate the macros of %s together" % self.header)
                candidates = keep
                continue
            by_name = {}
            for c in tu.cursor.get_children():
                if c.kind == ci.CursorKind.VAR_DECL and c.spelling.startswith("jm__macro_"):
                    by_name[int(c.spelling[len("jm__macro_"):])] = c
            for i, (m, body) in enumerate(candidates):
                v = by_name[i]
                t = v.type.get_canonical()
                r = self.lib.clang_Cursor_Evaluate(v)
                if not r:
                    skipped.append(m.spelling)
                    continue
                try:
                    kind = self.lib.clang_EvalResult_getKind(r)
                    if kind == 1 and t.kind in (TK.BOOL, TK.CHAR_S, TK.SCHAR, TK.CHAR_U, TK.UCHAR, TK.SHORT,
                                                TK.USHORT, TK.INT, TK.UINT, TK.LONG, TK.ULONG,
                                                TK.LONGLONG, TK.ULONGLONG):
                        if self.lib.clang_EvalResult_isUnsignedInt(r):
                            val = self.lib.clang_EvalResult_getAsUnsigned(r)
                        else:
                            val = self.lib.clang_EvalResult_getAsLongLong(r)
                        carrier = "long" if t.get_size() > 4 else "int"
                        values[m.spelling] = {"name": m.spelling, "carrier": carrier,
                                              "value": wrap(val, carrier),
                                              "c": "#define %s %s" % (m.spelling, body),
                                              "where": self.where(m)}
                    elif kind == 2 and t.kind in (TK.FLOAT, TK.DOUBLE):
                        val = self.lib.clang_EvalResult_getAsDouble(r)
                        carrier = "float" if t.kind == TK.FLOAT else "double"
                        values[m.spelling] = {"name": m.spelling, "carrier": carrier, "value": val,
                                              "c": "#define %s %s" % (m.spelling, body),
                                              "where": self.where(m)}
                    else:
                        skipped.append(m.spelling)
                finally:
                    self.lib.clang_EvalResult_dispose(r)
            break
        if skipped:
            self.notes.append("note: skipped macros that are not integer or floating constants: "
                              + ", ".join(sorted(skipped)))
        return values


def wrap(v, carrier):
    """The Java value of a C integer: two's complement wrap to int or long."""
    bits = 64 if carrier == "long" else 32
    v &= (1 << bits) - 1
    if v >= 1 << (bits - 1):
        v -= 1 << bits
    return v


def java_literal(v, carrier):
    if carrier == "int":
        return str(v)
    if carrier == "long":
        return "%dL" % v
    if v != v:
        return "%s.NaN" % ("Float" if carrier == "float" else "Double")
    if v in (float("inf"), float("-inf")):
        return "%s.%s_INFINITY" % ("Float" if carrier == "float" else "Double",
                                   "POSITIVE" if v > 0 else "NEGATIVE")
    return repr(v) + ("f" if carrier == "float" else "d")


# ---------------------------------------------------------------------------
# Java output
# ---------------------------------------------------------------------------

def file_header(header_rel):
    return ("// Generated from %s %s\n"
            "// DO NOT EDIT: change the header (or the generator) and run scripts/generate-bindings.\n"
            % (header_rel, MARKER))


def snippet(text, indent):
    pad = " " * indent
    out = [pad + "/**", pad + " * {@snippet lang=c :"]
    for line in text.split("\n"):
        out.append((pad + " * " + line).rstrip())
    out += [pad + " * }", pad + " */"]
    return "\n".join(out)


def emit_header_class(g, header_rel):
    hc = g.header_class
    o = []
    w = o.append
    w(file_header(header_rel))
    w("package %s;\n" % g.package)
    w("import java.lang.foreign.AddressLayout;")
    w("import java.lang.foreign.FunctionDescriptor;")
    w("import java.lang.foreign.GroupLayout;")
    w("import java.lang.foreign.Linker;")
    w("import java.lang.foreign.MemoryLayout;")
    w("import java.lang.foreign.MemorySegment;")
    w("import java.lang.foreign.SegmentAllocator;")
    w("import java.lang.foreign.SequenceLayout;")
    w("import java.lang.foreign.ValueLayout;")
    w("import java.lang.foreign.ValueLayout.OfBoolean;")
    w("import java.lang.foreign.ValueLayout.OfByte;")
    w("import java.lang.foreign.ValueLayout.OfDouble;")
    w("import java.lang.foreign.ValueLayout.OfFloat;")
    w("import java.lang.foreign.ValueLayout.OfInt;")
    w("import java.lang.foreign.ValueLayout.OfLong;")
    w("import java.lang.foreign.ValueLayout.OfShort;")
    w("import java.lang.invoke.MethodHandle;")
    w("")
    w("/**")
    w(" * The C API of {@code %s}: layouts of its C types, its constants and one static" % os.path.basename(g.header))
    w(" * method per function. Each function's descriptor and downcall handle live in a")
    w(" * nested holder class, so a function's symbol is looked up on its first call only.")
    w(" */")
    w("@SuppressWarnings(\"unused\")")
    w("public class %s {\n" % hc)
    w("    %s() {" % hc)
    w("        // Should not be called directly")
    w("    }\n")
    w("    static MemorySegment findOrThrow(String symbol) {")
    w("        return %s.find(symbol)" % g.lookup)
    w("                .orElseThrow(() -> new UnsatisfiedLinkError(\"unresolved symbol: \" + symbol));")
    w("    }\n")
    for name, cls, _, definition in C_LAYOUTS:
        w("    public static final %s %s = %s;" % (cls, name, definition))
    w("")
    for kind, d in g.model.items:
        if kind == "typedef":
            jt = d["jtype"]
            w(snippet(d["c"], 4))
            w("    public static final %s %s = %s;\n" % (jt.layout_class, d["name"], jt.layout))
        elif kind == "const":
            w(snippet(d["c"], 4))
            w("    public static final %s %s = %s;\n" % (d["carrier"], d["name"],
                                                      java_literal(d["value"], d["carrier"])))
        elif kind == "function":
            emit_function(g, d, w)
    o[-1] = o[-1].rstrip("\n")
    w("}")
    return "\n".join(o) + "\n"


def emit_function(g, d, w):
    hc = g.header_class
    name = d["name"]
    ret = d["ret"]
    params = d["params"]
    layouts = [jt.layout for _, jt, _ in params]
    w("    private static class %s {" % name)
    if ret is None:
        if layouts:
            w("        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(")
            w(",\n".join("            " + l for l in layouts))
            w("        );")
        else:
            w("        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid();")
    else:
        w("        public static final FunctionDescriptor DESC = FunctionDescriptor.of(")
        w(",\n".join("            " + l for l in [ret.layout] + layouts))
        w("        );")
    w("")
    w("        public static final MemorySegment ADDR = %s.findOrThrow(\"%s\");\n" % (hc, name))
    if d["critical"]:
        w("        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,")
        w("                Linker.Option.critical(false));")
    else:
        w("        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);")
    w("    }\n")
    doc = d["c"]
    w("    /**")
    w("     * Function descriptor for:")
    w("     * {@snippet lang=c :")
    w("     * %s" % doc)
    w("     * }")
    w("     */")
    w("    public static FunctionDescriptor %s$descriptor() {" % name)
    w("        return %s.DESC;" % name)
    w("    }\n")
    w("    /**")
    w("     * Downcall method handle for:")
    w("     * {@snippet lang=c :")
    w("     * %s" % doc)
    w("     * }")
    w("     */")
    w("    public static MethodHandle %s$handle() {" % name)
    w("        return %s.HANDLE;" % name)
    w("    }\n")
    w("    /**")
    w("     * Address for:")
    w("     * {@snippet lang=c :")
    w("     * %s" % doc)
    w("     * }")
    w("     */")
    w("    public static MemorySegment %s$address() {" % name)
    w("        return %s.ADDR;" % name)
    w("    }\n")
    jparams = ["%s %s" % (jt.carrier, n) for n, jt, _ in params]
    args = [n for n, _, _ in params]
    if ret is not None and ret.kind == "struct":
        jparams.insert(0, "SegmentAllocator allocator")
        args.insert(0, "allocator")
    w("    /**")
    w("     * {@snippet lang=c :")
    w("     * %s" % doc)
    w("     * }")
    if d["critical"]:
        w("     * Linked as a critical function: it must not block or call back into Java.")
    w("     */")
    rtype = "void" if ret is None else ret.carrier
    w("    public static %s %s(%s) {" % (rtype, name, ", ".join(jparams)))
    w("        var mh$ = %s.HANDLE;" % name)
    w("        try {")
    call = "mh$.invokeExact(%s)" % ", ".join(args)
    if ret is None:
        w("            %s;" % call)
    else:
        w("            return (%s) %s;" % (rtype, call))
    w("        } catch (Error | RuntimeException ex$) {")
    w("            throw ex$;")
    w("        } catch (Throwable ex$) {")
    w("            throw new AssertionError(\"should not reach here\", ex$);")
    w("        }")
    w("    }\n")


def emit_struct(g, s, header_rel):
    hc = g.header_class
    o = []
    w = o.append
    w(file_header(header_rel))
    w("package %s;\n" % g.package)
    w("import java.lang.foreign.AddressLayout;")
    w("import java.lang.foreign.Arena;")
    w("import java.lang.foreign.GroupLayout;")
    w("import java.lang.foreign.MemoryLayout;")
    w("import java.lang.foreign.MemorySegment;")
    w("import java.lang.foreign.SegmentAllocator;")
    w("import java.lang.foreign.SequenceLayout;")
    w("import java.lang.foreign.ValueLayout.OfBoolean;")
    w("import java.lang.foreign.ValueLayout.OfByte;")
    w("import java.lang.foreign.ValueLayout.OfDouble;")
    w("import java.lang.foreign.ValueLayout.OfFloat;")
    w("import java.lang.foreign.ValueLayout.OfInt;")
    w("import java.lang.foreign.ValueLayout.OfLong;")
    w("import java.lang.foreign.ValueLayout.OfShort;")
    w("import java.lang.invoke.VarHandle;")
    w("import java.util.function.Consumer;\n")
    w("import static java.lang.foreign.MemoryLayout.PathElement.groupElement;")
    w("import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;\n")
    w(snippet(s.c_decl, 0))
    w("@SuppressWarnings(\"unused\")")
    w("public class %s {\n" % s.name)
    w("    %s() {" % s.name)
    w("        // Should not be called directly")
    w("    }\n")
    w("    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(")
    w(",\n".join("        " + m for m in s.members))
    w('    ).withName("%s")%s;\n' % (s.name, s.align_suffix))
    w("    /**")
    w("     * The layout of this struct")
    w("     */")
    w("    public static final GroupLayout layout() {")
    w("        return $LAYOUT;")
    w("    }\n")
    for fname, jt, off, cur in s.fields:
        emit_field(g, s, fname, jt, off, cur, w)
    w("    /**")
    w("     * Obtains a slice of {@code array} which selects the array element at {@code index}.")
    w("     * The returned segment has address {@code array.address() + index * layout().byteSize()}")
    w("     */")
    w("    public static MemorySegment asSlice(MemorySegment array, long index) {")
    w("        return array.asSlice(layout().byteSize() * index);")
    w("    }\n")
    w("    /**")
    w("     * The size (in bytes) of this struct")
    w("     */")
    w("    public static long sizeof() {")
    w("        return layout().byteSize();")
    w("    }\n")
    w("    /**")
    w("     * Allocate a segment of size {@code layout().byteSize()} using {@code allocator}")
    w("     */")
    w("    public static MemorySegment allocate(SegmentAllocator allocator) {")
    w("        return allocator.allocate(layout());")
    w("    }\n")
    w("    /**")
    w("     * Allocate an array of size {@code elementCount} using {@code allocator}.")
    w("     * The returned segment has size {@code elementCount * layout().byteSize()}.")
    w("     */")
    w("    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {")
    w("        return allocator.allocate(MemoryLayout.sequenceLayout(elementCount, layout()));")
    w("    }\n")
    w("    /**")
    w("     * Reinterprets {@code addr} using target {@code arena} and {@code cleanup} (if any).")
    w("     * The returned segment has size {@code layout().byteSize()}")
    w("     */")
    w("    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {")
    w("        return reinterpret(addr, 1, arena, cleanup);")
    w("    }\n")
    w("    /**")
    w("     * Reinterprets {@code addr} using target {@code arena} and {@code cleanup} (if any).")
    w("     * The returned segment has size {@code elementCount * layout().byteSize()}")
    w("     */")
    w("    public static MemorySegment reinterpret(MemorySegment addr, long elementCount, Arena arena,")
    w("            Consumer<MemorySegment> cleanup) {")
    w("        return addr.reinterpret(layout().byteSize() * elementCount, arena, cleanup);")
    w("    }")
    w("}")
    return "\n".join(o) + "\n"


def emit_field(g, s, fname, jt, off, cur, w):
    n = java_name(fname)
    decl = g.c_declarator(cur.type, fname)
    w("    private static final %s %s$LAYOUT = (%s) $LAYOUT.select(groupElement(\"%s\"));\n"
      % (jt.layout_class, n, jt.layout_class, fname))
    w("    /**")
    w("     * Layout for field:")
    w("     * {@snippet lang=c :")
    w("     * %s" % decl)
    w("     * }")
    w("     */")
    w("    public static final %s %s$layout() {" % (jt.layout_class, n))
    w("        return %s$LAYOUT;" % n)
    w("    }\n")
    w("    private static final long %s$OFFSET = %d;\n" % (n, off))
    w("    /**")
    w("     * Offset for field:")
    w("     * {@snippet lang=c :")
    w("     * %s" % decl)
    w("     * }")
    w("     */")
    w("    public static final long %s$offset() {" % n)
    w("        return %s$OFFSET;" % n)
    w("    }\n")
    if jt.kind in ("value", "pointer"):
        w("    /**")
        w("     * Getter for field:")
        w("     * {@snippet lang=c :")
        w("     * %s" % decl)
        w("     * }")
        w("     */")
        w("    public static %s %s(MemorySegment struct) {" % (jt.carrier, n))
        w("        return struct.get(%s$LAYOUT, %s$OFFSET);" % (n, n))
        w("    }\n")
        w("    /**")
        w("     * Setter for field:")
        w("     * {@snippet lang=c :")
        w("     * %s" % decl)
        w("     * }")
        w("     */")
        w("    public static void %s(MemorySegment struct, %s fieldValue) {" % (n, jt.carrier))
        w("        struct.set(%s$LAYOUT, %s$OFFSET, fieldValue);" % (n, n))
        w("    }\n")
        return
    # struct or array: a slice of the enclosing struct
    w("    /**")
    w("     * Getter for field (a slice of {@code struct}):")
    w("     * {@snippet lang=c :")
    w("     * %s" % decl)
    w("     * }")
    w("     */")
    w("    public static MemorySegment %s(MemorySegment struct) {" % n)
    w("        return struct.asSlice(%s$OFFSET, %s$LAYOUT.byteSize());" % (n, n))
    w("    }\n")
    w("    /**")
    w("     * Setter for field (copies {@code fieldValue} in):")
    w("     * {@snippet lang=c :")
    w("     * %s" % decl)
    w("     * }")
    w("     */")
    w("    public static void %s(MemorySegment struct, MemorySegment fieldValue) {" % n)
    w("        MemorySegment.copy(fieldValue, 0L, struct, %s$OFFSET, %s$LAYOUT.byteSize());" % (n, n))
    w("    }\n")
    if jt.kind != "array":
        return
    dims = jt.dims
    idx_params = ", ".join("long index%d" % i for i in range(len(dims)))
    idx_args = ", ".join("index%d" % i for i in range(len(dims)))
    w("    private static final long[] %s$DIMS = { %s };\n" % (n, ", ".join(str(x) for x in dims)))
    w("    /**")
    w("     * Dimensions for array field:")
    w("     * {@snippet lang=c :")
    w("     * %s" % decl)
    w("     * }")
    w("     */")
    w("    public static long[] %s$dimensions() {" % n)
    w("        return %s$DIMS.clone();" % n)
    w("    }\n")
    elem = jt.element
    if elem.kind in ("value", "pointer"):
        path = ", ".join(["groupElement(\"%s\")" % fname] + ["sequenceElement()"] * len(dims))
        w("    private static final VarHandle %s$ELEM_HANDLE = $LAYOUT.varHandle(%s);\n" % (n, path))
        w("    /**")
        w("     * Indexed getter for field:")
        w("     * {@snippet lang=c :")
        w("     * %s" % decl)
        w("     * }")
        w("     */")
        w("    public static %s %s(MemorySegment struct, %s) {" % (elem.carrier, n, idx_params))
        w("        return (%s) %s$ELEM_HANDLE.get(struct, 0L, %s);" % (elem.carrier, n, idx_args))
        w("    }\n")
        w("    /**")
        w("     * Indexed setter for field:")
        w("     * {@snippet lang=c :")
        w("     * %s" % decl)
        w("     * }")
        w("     */")
        w("    public static void %s(MemorySegment struct, %s, %s fieldValue) {" % (n, idx_params, elem.carrier))
        w("        %s$ELEM_HANDLE.set(struct, 0L, %s, fieldValue);" % (n, idx_args))
        w("    }\n")
    else:
        seq = ", ".join("sequenceElement(index%d)" % i for i in range(len(dims)))
        w("    /**")
        w("     * Indexed getter for field (a slice of {@code struct}):")
        w("     * {@snippet lang=c :")
        w("     * %s" % decl)
        w("     * }")
        w("     */")
        w("    public static MemorySegment %s(MemorySegment struct, %s) {" % (n, idx_params))
        w("        return struct.asSlice(%s$OFFSET + %s$LAYOUT.byteOffset(%s), %s);"
          % (n, n, seq, elem.layout + ".byteSize()"))
        w("    }\n")
        w("    /**")
        w("     * Indexed setter for field (copies {@code fieldValue} in):")
        w("     * {@snippet lang=c :")
        w("     * %s" % decl)
        w("     * }")
        w("     */")
        w("    public static void %s(MemorySegment struct, %s, MemorySegment fieldValue) {" % (n, idx_params))
        w("        MemorySegment.copy(fieldValue, 0L, struct, %s$OFFSET + %s$LAYOUT.byteOffset(%s), %s);"
          % (n, n, seq, elem.layout + ".byteSize()"))
        w("    }\n")


def emit_alias(g, alias, s, header_rel):
    o = [file_header(header_rel), "package %s;\n" % g.package,
         snippet("typedef %s %s" % (s.c_name, alias), 0),
         "public class %s extends %s {\n" % (alias, s.name),
         "    %s() {" % alias,
         "        // Should not be called directly",
         "    }",
         "}"]
    return "\n".join(o) + "\n"


def generate(g, header_rel):
    """{file name: text} for every generated file."""
    files = {g.header_class + ".java": emit_header_class(g, header_rel)}
    for s in g.model.structs:
        files[s.name + ".java"] = emit_struct(g, s, header_rel)
    for alias, s in g.model.aliases:
        files[alias + ".java"] = emit_alias(g, alias, s, header_rel)
    return files


def is_generated(path):
    try:
        with open(path, encoding="utf-8") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return first.startswith("// Generated from ") and MARKER in first


def read_critical(path):
    names = []
    if not os.path.exists(path):
        return names
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def main(argv):
    root = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap = argparse.ArgumentParser(description="Generate the jmamba FFM bindings from the C header.")
    ap.add_argument("--check", action="store_true",
                    help="generate into a temporary folder and list files that differ from --out")
    ap.add_argument("--probe", action="store_true", help="only check that libclang is usable")
    ap.add_argument("--header", default=os.path.join(root, "native-src", "include", "jmamba.h"))
    ap.add_argument("--out", default=os.path.join(root, "bindings", "src", "main", "java",
                                                  "org", "jmamba", "bindings"))
    ap.add_argument("--package", default="org.jmamba.bindings")
    ap.add_argument("--critical", default=os.path.join(root, "bindings", "generator", "critical.txt"),
                    help="file naming the functions linked with Linker.Option.critical(false)")
    ap.add_argument("--lookup", default="NativeLibrary.lookup()",
                    help="Java expression for the SymbolLookup that has the functions")
    ap.add_argument("--clang-arg", action="append", default=[], help="extra argument for clang")
    ap.add_argument("--libclang", default=os.environ.get("JMAMBA_LIBCLANG"),
                    help="path of libclang.so (default: what clang.cindex finds)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print no notes")
    a = ap.parse_args(argv)

    ci = import_cindex()
    if ci is None:
        print("generate.py: clang.cindex is not available to %s; install it (Debian: "
              "apt-get install libclang-14-dev python3-clang-14, or run scripts/generate-bindings)"
              % sys.executable, file=sys.stderr)
        return EXIT_NO_CLANG
    try:
        if a.libclang:
            ci.Config.set_library_file(a.libclang)
        ci.Index.create()
    except Exception as e:  # LibclangError, OSError
        print("generate.py: libclang cannot be loaded: %s" % e, file=sys.stderr)
        return EXIT_NO_CLANG
    if a.probe:
        print("clang.cindex ok (%s)" % ci.__file__)
        return EXIT_OK

    header_rel = os.path.relpath(os.path.realpath(a.header), root)
    try:
        g = Generator(ci, a.header, a.package, read_critical(a.critical), a.clang_arg, a.lookup)
        g.run()
        files = generate(g, header_rel)
    except GenError as e:
        print("generate.py: error: %s" % e, file=sys.stderr)
        return EXIT_ERROR
    if not a.quiet:
        for n in g.notes:
            print("generate.py: %s" % n, file=sys.stderr)

    out = a.out
    if a.check:
        with tempfile.TemporaryDirectory(prefix="jmamba-bindings-") as tmp:
            write_files(tmp, files)
            problems = []
            for name in sorted(files):
                mine = os.path.join(out, name)
                if not os.path.exists(mine):
                    problems.append("missing: %s" % os.path.relpath(mine, root))
                    continue
                with open(mine, encoding="utf-8") as f:
                    old = f.read()
                if old != files[name]:
                    problems.append("differs: %s" % os.path.relpath(mine, root))
                    diff = list(difflib.unified_diff(old.splitlines(), files[name].splitlines(),
                                                     "committed/" + name, "generated/" + name, lineterm="", n=1))
                    problems += ["    " + line for line in diff[:40]]
                    if len(diff) > 40:
                        problems.append("    ... (%d more diff lines)" % (len(diff) - 40))
            for name in sorted(os.listdir(out)) if os.path.isdir(out) else []:
                if name not in files and is_generated(os.path.join(out, name)):
                    problems.append("stale (no longer generated): %s" % os.path.relpath(os.path.join(out, name), root))
        if problems:
            print("The generated bindings are out of date with %s:" % header_rel)
            for p in problems:
                print("  " + p)
            print("Run scripts/generate-bindings (or python3 %s) and commit the result." % GENERATOR_PATH)
            return EXIT_STALE
        print("bindings up to date with %s (%d files)" % (header_rel, len(files)))
        return EXIT_OK

    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(out)):
        if name not in files and is_generated(os.path.join(out, name)):
            os.remove(os.path.join(out, name))
            print("removed %s" % os.path.relpath(os.path.join(out, name), root))
    changed = write_files(out, files)
    print("generated %d files in %s (%d changed)" % (len(files), os.path.relpath(out, root), changed))
    return EXIT_OK


def write_files(folder, files):
    changed = 0
    os.makedirs(folder, exist_ok=True)
    for name, text in sorted(files.items()):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    continue
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        changed += 1
    return changed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
