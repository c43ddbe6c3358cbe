"""Plan records: what a gufunc call works out once per operand signature.

DriverPlan   the constant arrays ul_gufunc_callv reads (types, ndims, flat
             shapes, flat byte strides) and the entry that takes the data
             pointers as arguments (ulpy_call2/3/4 by operand count); and
             the same call prepared once in C (a ul_plan: validated, loop
             bound, dimensions and steps worked out) with its entry
             ulpy_run2/3/4(plan, d0, d1, ...): what the fast path calls.
FastPlan     a DriverPlan plus how the fast path makes and hands back the
             outputs (_fastpath.py); which fields are set depends on the
             operands' kind (see the class).
CallPlan     the general path's decisions for one operand signature: loop,
             casts, result kind, output shapes, and its DriverPlan.
gufunc_plan  the user's explicit plan (umath_linalg.plan): a function over
             a DriverPlan and the operands' cffi types.
"""
from ._core import ffi, lib, NULL, CData as _CData

_new = ffi.new
_cast = ffi.cast
_gc = ffi.gc
_typeof = ffi.typeof
_RUNS = {2: lib.ulpy_run2, 3: lib.ulpy_run3, 4: lib.ulpy_run4}


def c_plan(gptr, nops, types, ndims, shapes, strides):
    """(ul_plan * freed with its cdata, ulpy_runN) for this operand
    signature of row gptr, or (None, None) when ul_plan_newv refuses it
    (the driver then reports the same error on the call)."""
    out = _new("ul_plan **")
    if lib.ul_plan_newv(gptr, nops, types, ndims, shapes, strides, out,
                        NULL) != lib.UL_OK:
        return None, None
    # Python reads no FP flags (numpy clears them before each ufunc loop
    # and scalar operation): a run need not restore them (3-10 ns a call)
    lib.ul_plan_fp_flags(out[0], lib.UL_FP_UNTOUCHED)
    return _gc(out[0], lib.ul_plan_free), _RUNS.get(nops)


class DriverPlan(object):
    """One operand signature as the C driver sees it."""
    __slots__ = ("call", "types", "ndims", "shapes", "strides", "plan",
                 "prun")

    def __init__(self, call, types, ndims, shapes, strides, gptr=None,
                 plan=None, prun=None):
        self.call = call        # ulpy_callN for N operands, None above 4
        self.types = types      # int[nops]: the loop's type numbers
        self.ndims = ndims      # int[nops]
        self.shapes = shapes    # ptrdiff_t[]: every operand's shape, flat
        self.strides = strides  # ptrdiff_t[]: byte strides, same order
        if gptr is not None:    # a new signature of row gptr: prepare it
            plan, prun = c_plan(gptr, len(types), types, ndims, shapes,
                                strides)
        self.plan = plan        # ul_plan * (or None: the driver's error)
        self.prun = prun        # ulpy_runN(plan, d0, ...), None above 4

    def run(self, gptr, ptrs):
        """Run row gptr on data pointers ptrs (inputs then outputs): the
        plan's status (the driver's when there is no plan)."""
        n = len(ptrs)
        pl = self.plan
        if pl is not None:
            fn = self.prun
            if n == 2:
                return fn(pl, ptrs[0], ptrs[1])
            if n == 3:
                return fn(pl, ptrs[0], ptrs[1], ptrs[2])
            if n == 4:
                return fn(pl, ptrs[0], ptrs[1], ptrs[2], ptrs[3])
            data = _new("char *[]", [_cast("char *", x) for x in ptrs])
            return lib.ul_plan_run(pl, data, NULL)
        fn = self.call
        if n == 2:
            return fn(gptr, ptrs[0], ptrs[1], self.types, self.ndims,
                      self.shapes, self.strides)
        if n == 3:
            return fn(gptr, ptrs[0], ptrs[1], ptrs[2], self.types,
                      self.ndims, self.shapes, self.strides)
        if n == 4:
            return fn(gptr, ptrs[0], ptrs[1], ptrs[2], ptrs[3], self.types,
                      self.ndims, self.shapes, self.strides)
        return self.run_info(gptr, ptrs, NULL)

    def run_info(self, gptr, ptrs, info):
        """The same through ul_gufunc_callv, filling info (or NULL)."""
        data = _new("char *[]", [_cast("char *", x) for x in ptrs])
        return lib.ul_gufunc_callv(gptr, len(ptrs), data, self.types,
                                   self.ndims, self.shapes, self.strides,
                                   info)


class FastPlan(DriverPlan):
    """A DriverPlan the fast path can run without the general path.

    Per output, for calls without out= (with out= a FastPlan carries
    nothing beyond the DriverPlan):
      scalar        the result is 0-d: hand back the item
      out_ctypes    cffi operands: the output's cffi array type
      out_nbytes    cffi and list operands: its size in bytes
      out_shapes    numpy and list operands: its shape
      out_dtypes    numpy operands: its numpy dtype
    Nested-list inputs (one output) also have, per input, puts (the
    lib.ulpy_put_* that fills a C array from the flat list) and
    in_itemsizes, and for the output out_ptype (its C pointer type) and
    out_n (its number of items)."""
    __slots__ = ("scalar", "out_ctypes", "out_nbytes", "out_shapes",
                 "out_dtypes", "puts", "in_itemsizes", "out_ptype", "out_n")

    def __init__(self, d, **fields):
        DriverPlan.__init__(self, d.call, d.types, d.ndims, d.shapes,
                            d.strides, plan=d.plan, prun=d.prun)
        for k in FastPlan.__slots__:
            setattr(self, k, fields.pop(k, None))
        if fields:
            raise TypeError("unknown FastPlan fields %s" % sorted(fields))


class CallPlan(object):
    """The general path's decisions for one operand signature."""
    __slots__ = ("in_types", "casts", "kind", "out_types", "out_shapes",
                 "driver", "exact")

    def __init__(self, in_types, casts, kind, out_types, out_shapes, driver,
                 exact):
        self.in_types = in_types        # the loop's input type numbers
        self.casts = casts              # per input: copy/cast it first
        self.kind = kind                # kind of the results (K_*)
        self.out_types = out_types      # the loop's output type numbers
        self.out_shapes = out_shapes
        self.driver = driver            # DriverPlan
        self.exact = exact              # no input needed a cast


def gufunc_plan(g, ctypes, d):
    """The user's explicit plan (umath_linalg.plan): a function
    p(*inputs_then_outputs) that runs gufunc g on new cffi arrays of
    exactly the types ctypes (inputs then outputs), writing the outputs in
    place, through d's C plan in one C call: no cache lookup, no validation
    beyond one type identity check per operand.  Returns None; raises as
    g's status handler does (LinAlgError for a singular matrix of
    inv/solve), TypeError for an operand of another type.  Attributes:
    gufunc, ctypes."""
    name = g.name
    status = g._status
    gptr = g._g
    pl, fn = d.plan, d.prun
    n = len(ctypes)

    def bad(ops):
        if len(ops) != n:
            raise TypeError("%s plan takes %d operands (inputs then "
                            "outputs), %d given" % (name, n, len(ops)))
        for i, x in enumerate(ops):
            if not isinstance(x, _CData) or _typeof(x) is not ctypes[i]:
                raise TypeError("%s plan: operand %d must be a cffi %s, not "
                                "%r" % (name, i, ctypes[i].cname, x))
        raise TypeError("%s plan: bad operands" % name)     # (unreachable)

    # One function per operand count: on PyPy a fixed argument list and
    # straight-line checks cost least.
    if n == 2:
        c0, c1 = ctypes

        def p(a, b):
            # (isinstance first: ffi.typeof of a str parses a C type)
            if not (isinstance(a, _CData) and isinstance(b, _CData) and
                    _typeof(a) is c0 and _typeof(b) is c1):
                bad((a, b))
            st = fn(pl, a, b)
            if st:
                status(st, (a, b), d)
    elif n == 3:
        c0, c1, c2 = ctypes

        def p(a, b, c):
            if not (isinstance(a, _CData) and isinstance(b, _CData) and
                    isinstance(c, _CData) and _typeof(a) is c0 and
                    _typeof(b) is c1 and _typeof(c) is c2):
                bad((a, b, c))
            st = fn(pl, a, b, c)
            if st:
                status(st, (a, b, c), d)
    else:
        def p(*ops):
            if not (len(ops) == n and all(
                    isinstance(x, _CData) and _typeof(x) is ct
                    for x, ct in zip(ops, ctypes))):
                bad(ops)
            st = d.run(gptr, ops)
            if st:
                status(st, ops, d)
    p.gufunc = g
    p.ctypes = ctypes
    p.__name__ = p.__qualname__ = name + "_plan"
    p.__doc__ = "%s prepared for %s (umath_linalg.plan)" % (
        name, ", ".join(ct.cname for ct in ctypes))
    return p
