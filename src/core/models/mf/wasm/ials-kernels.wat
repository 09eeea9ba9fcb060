;; iALS conjugate-gradient kernels, f32x4 SIMD. Source of ials-kernels-wasm.ts
;; (regenerate with `npm run build:wasm`). All vectors are padded to a multiple of 8 floats
;; (`stride` bytes, a multiple of 32) and the padding is kept at zero, so it never changes a result.
(module
  (memory (export "memory") 1)

  ;; Σ a[i]·b[i] over `stride` bytes, two accumulators to hide add latency.
  (func $dot (param $a i32) (param $b i32) (param $stride i32) (result f32)
    (local $i i32) (local $s0 v128) (local $s1 v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $stride)))
        (local.set $s0 (f32x4.add (local.get $s0)
          (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $i)))
                     (v128.load (i32.add (local.get $b) (local.get $i))))))
        (local.set $s1 (f32x4.add (local.get $s1)
          (f32x4.mul (v128.load offset=16 (i32.add (local.get $a) (local.get $i)))
                     (v128.load offset=16 (i32.add (local.get $b) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $next)))
    (local.set $s0 (f32x4.add (local.get $s0) (local.get $s1)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

  ;; y += t·x over `stride` bytes.
  (func $axpy (param $y i32) (param $t f32) (param $x i32) (param $stride i32)
    (local $i i32) (local $tv v128)
    (local.set $tv (f32x4.splat (local.get $t)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $stride)))
        (v128.store (i32.add (local.get $y) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $y) (local.get $i)))
                     (f32x4.mul (local.get $tv) (v128.load (i32.add (local.get $x) (local.get $i))))))
        (v128.store offset=16 (i32.add (local.get $y) (local.get $i))
          (f32x4.add (v128.load offset=16 (i32.add (local.get $y) (local.get $i)))
                     (f32x4.mul (local.get $tv) (v128.load offset=16 (i32.add (local.get $x) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $next))))

  ;; p = r + beta·p over `stride` bytes.
  (func $xpby (param $p i32) (param $r i32) (param $beta f32) (param $stride i32)
    (local $i i32) (local $bv v128)
    (local.set $bv (f32x4.splat (local.get $beta)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $stride)))
        (v128.store (i32.add (local.get $p) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $r) (local.get $i)))
                     (f32x4.mul (local.get $bv) (v128.load (i32.add (local.get $p) (local.get $i))))))
        (v128.store offset=16 (i32.add (local.get $p) (local.get $i))
          (f32x4.add (v128.load offset=16 (i32.add (local.get $r) (local.get $i)))
                     (f32x4.mul (local.get $bv) (v128.load offset=16 (i32.add (local.get $p) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $next))))

  ;; out = G·vec + reg·vec + Σ_{e∈[start,end)} val[e]·(w_{idx[e]}·vec)·w_{idx[e]}
  ;; G is dim × stride bytes (row a at g + a·stride); w rows are `stride` bytes apart.
  (func $matvec (param $g i32) (param $dim i32) (param $stride i32) (param $w i32)
                (param $idx i32) (param $val i32) (param $start i32) (param $end i32)
                (param $reg f32) (param $vec i32) (param $out i32)
    (local $a i32) (local $e i32) (local $row i32) (local $t f32)
    (memory.fill (local.get $out) (i32.const 0) (local.get $stride))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $dim)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $a) (i32.const 2)))
          (f32.add
            (call $dot (i32.add (local.get $g) (i32.mul (local.get $a) (local.get $stride))) (local.get $vec) (local.get $stride))
            (f32.mul (local.get $reg) (f32.load (i32.add (local.get $vec) (i32.shl (local.get $a) (i32.const 2)))))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $next)))
    (local.set $e (local.get $start))
    (block $done2
      (loop $next2
        (br_if $done2 (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $row (i32.add (local.get $w)
          (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $stride))))
        (local.set $t (f32.mul
          (f32.load (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2))))
          (call $dot (local.get $row) (local.get $vec) (local.get $stride))))
        (call $axpy (local.get $out) (local.get $t) (local.get $row) (local.get $stride))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $next2))))

  ;; One half-epoch of iALS-CG (see train-typed.ts): for every row r, `steps` warm-started CG
  ;; steps on (G + λ_r I + Σ c w wᵀ) x_r = rhs0 + Σ c·(1 − toff_j)·w_j. `toff` = 0 means no offsets.
  ;; `scratch` holds three vectors (res, p, ap), `stride` bytes each.
  (func (export "solve")
        (param $x i32) (param $rows i32) (param $indptr i32) (param $idx i32) (param $val i32)
        (param $w i32) (param $g i32) (param $dim i32) (param $stride i32) (param $rhs0 i32)
        (param $toff i32) (param $regs i32) (param $steps i32) (param $scratch i32)
    (local $r i32) (local $xr i32) (local $start i32) (local $end i32) (local $e i32) (local $j i32)
    (local $reg f32) (local $t f32) (local $res i32) (local $p i32) (local $ap i32)
    (local $rs f32) (local $rsNew f32) (local $pap f32) (local $alpha f32) (local $beta f32) (local $step i32)
    (local.set $res (local.get $scratch))
    (local.set $p (i32.add (local.get $scratch) (local.get $stride)))
    (local.set $ap (i32.add (local.get $p) (local.get $stride)))
    (block $rows_done
      (loop $row_next
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $start (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $indptr) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $reg (f32.load (i32.add (local.get $regs) (i32.shl (local.get $r) (i32.const 2)))))
        ;; res = rhs0 + Σ c (1 − toff_j) w_j − A x
        (memory.copy (local.get $res) (local.get $rhs0) (local.get $stride))
        (local.set $e (local.get $start))
        (block $rhs_done
          (loop $rhs_next
            (br_if $rhs_done (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $j (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))))
            (local.set $t (f32.load (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
            (if (local.get $toff)
              (then (local.set $t (f32.mul (local.get $t)
                (f32.sub (f32.const 1) (f32.load (i32.add (local.get $toff) (i32.shl (local.get $j) (i32.const 2)))))))))
            (call $axpy (local.get $res) (local.get $t)
              (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $stride))) (local.get $stride))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $rhs_next)))
        (call $matvec (local.get $g) (local.get $dim) (local.get $stride) (local.get $w) (local.get $idx)
          (local.get $val) (local.get $start) (local.get $end) (local.get $reg) (local.get $xr) (local.get $ap))
        (call $axpy (local.get $res) (f32.const -1) (local.get $ap) (local.get $stride))
        (memory.copy (local.get $p) (local.get $res) (local.get $stride))
        (local.set $rs (call $dot (local.get $res) (local.get $res) (local.get $stride)))
        (local.set $step (i32.const 0))
        (block $cg_done
          (loop $cg_next
            (br_if $cg_done (i32.ge_u (local.get $step) (local.get $steps)))
            (call $matvec (local.get $g) (local.get $dim) (local.get $stride) (local.get $w) (local.get $idx)
              (local.get $val) (local.get $start) (local.get $end) (local.get $reg) (local.get $p) (local.get $ap))
            (local.set $pap (call $dot (local.get $p) (local.get $ap) (local.get $stride)))
            (local.set $alpha (select (f32.div (local.get $rs) (local.get $pap)) (f32.const 0)
              (f32.gt (local.get $pap) (f32.const 0))))
            (call $axpy (local.get $xr) (local.get $alpha) (local.get $p) (local.get $stride))
            (call $axpy (local.get $res) (f32.neg (local.get $alpha)) (local.get $ap) (local.get $stride))
            (local.set $rsNew (call $dot (local.get $res) (local.get $res) (local.get $stride)))
            (local.set $beta (select (f32.div (local.get $rsNew) (local.get $rs)) (f32.const 0)
              (f32.gt (local.get $rs) (f32.const 0))))
            (call $xpby (local.get $p) (local.get $res) (local.get $beta) (local.get $stride))
            (local.set $rs (local.get $rsNew))
            (local.set $step (i32.add (local.get $step) (i32.const 1)))
            (br $cg_next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row_next))))

  ;; Σ over stored entries of c·(x_u·v_i + b_i − 1)², rows of x and v `stride` bytes apart.
  (func (export "observedLoss")
        (param $x i32) (param $rows i32) (param $indptr i32) (param $idx i32) (param $val i32)
        (param $v i32) (param $bias i32) (param $stride i32) (result f64)
    (local $r i32) (local $e i32) (local $end i32) (local $j i32) (local $xr i32) (local $d f32) (local $sum f64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $e (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $indptr) (i32.shl (local.get $r) (i32.const 2)))))
        (block $edone
          (loop $enext
            (br_if $edone (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $j (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))))
            (local.set $d (f32.sub
              (f32.add (call $dot (local.get $xr) (i32.add (local.get $v) (i32.mul (local.get $j) (local.get $stride))) (local.get $stride))
                       (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (f32.const 1)))
            (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.mul
              (f32.load (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2))))
              (f32.mul (local.get $d) (local.get $d))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $enext)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next)))
    (local.get $sum))
)
