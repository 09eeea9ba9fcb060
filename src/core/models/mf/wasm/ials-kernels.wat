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

  ;; out = G·vec + reg·vec for a symmetric G of dim rows, `stride` bytes each (padding columns zero):
  ;; out = Σ_a vec[a]·G_a, 16 floats of out at a time held in registers, so G is read once with
  ;; no horizontal sums (the dot-per-row form loaded vec again for every row of G).
  (func $gemv (param $g i32) (param $dim i32) (param $stride i32) (param $reg f32) (param $vec i32) (param $out i32)
    (local $c i32) (local $a i32) (local $ga i32) (local $s v128) (local $rv v128)
    (local $o0 v128) (local $o1 v128) (local $o2 v128) (local $o3 v128)
    (local.set $rv (f32x4.splat (local.get $reg)))
    (block $chunks_done
      (loop $chunk
        (br_if $chunks_done (i32.gt_u (i32.add (local.get $c) (i32.const 64)) (local.get $stride)))
        (local.set $o0 (f32x4.mul (local.get $rv) (v128.load (i32.add (local.get $vec) (local.get $c)))))
        (local.set $o1 (f32x4.mul (local.get $rv) (v128.load offset=16 (i32.add (local.get $vec) (local.get $c)))))
        (local.set $o2 (f32x4.mul (local.get $rv) (v128.load offset=32 (i32.add (local.get $vec) (local.get $c)))))
        (local.set $o3 (f32x4.mul (local.get $rv) (v128.load offset=48 (i32.add (local.get $vec) (local.get $c)))))
        (local.set $ga (i32.add (local.get $g) (local.get $c)))
        (local.set $a (i32.const 0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $a) (local.get $dim)))
            (local.set $s (f32x4.splat (f32.load (i32.add (local.get $vec) (i32.shl (local.get $a) (i32.const 2))))))
            (local.set $o0 (f32x4.add (local.get $o0) (f32x4.mul (local.get $s) (v128.load (local.get $ga)))))
            (local.set $o1 (f32x4.add (local.get $o1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $ga)))))
            (local.set $o2 (f32x4.add (local.get $o2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $ga)))))
            (local.set $o3 (f32x4.add (local.get $o3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $ga)))))
            (local.set $ga (i32.add (local.get $ga) (local.get $stride)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $row)))
        (v128.store (i32.add (local.get $out) (local.get $c)) (local.get $o0))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $c)) (local.get $o1))
        (v128.store offset=32 (i32.add (local.get $out) (local.get $c)) (local.get $o2))
        (v128.store offset=48 (i32.add (local.get $out) (local.get $c)) (local.get $o3))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (br $chunk)))
    ;; A stride that is an odd multiple of 32 bytes leaves 8 floats.
    (if (i32.lt_u (local.get $c) (local.get $stride))
      (then
        (local.set $o0 (f32x4.mul (local.get $rv) (v128.load (i32.add (local.get $vec) (local.get $c)))))
        (local.set $o1 (f32x4.mul (local.get $rv) (v128.load offset=16 (i32.add (local.get $vec) (local.get $c)))))
        (local.set $ga (i32.add (local.get $g) (local.get $c)))
        (local.set $a (i32.const 0))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $a) (local.get $dim)))
            (local.set $s (f32x4.splat (f32.load (i32.add (local.get $vec) (i32.shl (local.get $a) (i32.const 2))))))
            (local.set $o0 (f32x4.add (local.get $o0) (f32x4.mul (local.get $s) (v128.load (local.get $ga)))))
            (local.set $o1 (f32x4.add (local.get $o1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $ga)))))
            (local.set $ga (i32.add (local.get $ga) (local.get $stride)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $tail)))
        (v128.store (i32.add (local.get $out) (local.get $c)) (local.get $o0))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $c)) (local.get $o1)))))

  ;; out += Σ_{e∈[start,end)} t_e·w_j (j = idx[e]) with t_e = val[e]·(w_j·vec), or with `target` set
  ;; t_e = val[e]·(1 − toff_j − w_j·vec) (toff_j = 0 where `toff` is 0): the pair terms of A·vec, or
  ;; of the residual b − A·vec in one pass. The dot and the update of each pair share one read of w_j.
  (func $pairs (param $w i32) (param $idx i32) (param $val i32) (param $start i32) (param $end i32)
               (param $stride i32) (param $vec i32) (param $out i32) (param $toff i32) (param $target i32)
    (local $e i32) (local $j i32) (local $row i32) (local $i i32) (local $d f32) (local $t f32)
    (local $s0 v128) (local $s1 v128) (local $tv v128)
    (local.set $e (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $j (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $row (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $stride))))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $dot_done
          (loop $dot_next
            (br_if $dot_done (i32.ge_u (local.get $i) (local.get $stride)))
            (local.set $s0 (f32x4.add (local.get $s0)
              (f32x4.mul (v128.load (i32.add (local.get $row) (local.get $i)))
                         (v128.load (i32.add (local.get $vec) (local.get $i))))))
            (local.set $s1 (f32x4.add (local.get $s1)
              (f32x4.mul (v128.load offset=16 (i32.add (local.get $row) (local.get $i)))
                         (v128.load offset=16 (i32.add (local.get $vec) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 32)))
            (br $dot_next)))
        (local.set $s0 (f32x4.add (local.get $s0) (local.get $s1)))
        (local.set $d (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
          (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))
        (if (local.get $target)
          (then
            (local.set $t (f32.sub (f32.const 1) (local.get $d)))
            (if (local.get $toff)
              (then (local.set $t (f32.sub (local.get $t)
                (f32.load (i32.add (local.get $toff) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $d (local.get $t))))
        (local.set $tv (f32x4.splat (f32.mul
          (f32.load (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))) (local.get $d))))
        (local.set $i (i32.const 0))
        (block $axpy_done
          (loop $axpy_next
            (br_if $axpy_done (i32.ge_u (local.get $i) (local.get $stride)))
            (v128.store (i32.add (local.get $out) (local.get $i))
              (f32x4.add (v128.load (i32.add (local.get $out) (local.get $i)))
                         (f32x4.mul (local.get $tv) (v128.load (i32.add (local.get $row) (local.get $i))))))
            (v128.store offset=16 (i32.add (local.get $out) (local.get $i))
              (f32x4.add (v128.load offset=16 (i32.add (local.get $out) (local.get $i)))
                         (f32x4.mul (local.get $tv) (v128.load offset=16 (i32.add (local.get $row) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 32)))
            (br $axpy_next)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $next))))

  ;; out = A·vec = G·vec + reg·vec + Σ_{e∈[start,end)} val[e]·(w_j·vec)·w_j
  ;; G is dim × stride bytes (row a at g + a·stride; symmetric); w rows are `stride` bytes apart.
  (func $matvec (param $g i32) (param $dim i32) (param $stride i32) (param $w i32)
                (param $idx i32) (param $val i32) (param $start i32) (param $end i32)
                (param $reg f32) (param $vec i32) (param $out i32)
    (call $gemv (local.get $g) (local.get $dim) (local.get $stride) (local.get $reg) (local.get $vec) (local.get $out))
    (call $pairs (local.get $w) (local.get $idx) (local.get $val) (local.get $start) (local.get $end)
      (local.get $stride) (local.get $vec) (local.get $out) (i32.const 0) (i32.const 0)))

  ;; One half-epoch of iALS-CG (see train-typed.ts): for every row r, `steps` warm-started CG
  ;; steps on (G + λ_r I + Σ c w wᵀ) x_r = rhs0 + Σ c·(1 − toff_j)·w_j. `toff` = 0 means no offsets.
  ;; `scratch` holds three vectors (res, p, ap), `stride` bytes each. With `loss` set, returns
  ;; Σ c·(w_j·x_r + toff_j − 1)² over the solved rows' entries (the objective's observed term), else 0.
  (func (export "solve")
        (param $x i32) (param $rows i32) (param $indptr i32) (param $idx i32) (param $val i32)
        (param $w i32) (param $g i32) (param $dim i32) (param $stride i32) (param $rhs0 i32)
        (param $toff i32) (param $regs i32) (param $steps i32) (param $scratch i32) (param $loss i32)
        (result f64)
    (local $r i32) (local $xr i32) (local $start i32) (local $end i32) (local $e i32) (local $j i32)
    (local $d f32) (local $sum f64) (local $reg f32) (local $res i32) (local $p i32) (local $ap i32)
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
        ;; res = rhs0 + Σ c (1 − toff_j) w_j − A x = rhs0 − (G + reg) x + Σ c (1 − toff_j − w_j·x) w_j
        (call $gemv (local.get $g) (local.get $dim) (local.get $stride) (local.get $reg) (local.get $xr) (local.get $res))
        (call $xpby (local.get $res) (local.get $rhs0) (f32.const -1) (local.get $stride))
        (call $pairs (local.get $w) (local.get $idx) (local.get $val) (local.get $start) (local.get $end)
          (local.get $stride) (local.get $xr) (local.get $res) (local.get $toff) (i32.const 1))
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
        ;; The solved row's observed loss terms, while its w rows are still in cache.
        (if (local.get $loss)
          (then
            (local.set $e (local.get $start))
            (block $loss_done
              (loop $loss_next
                (br_if $loss_done (i32.ge_u (local.get $e) (local.get $end)))
                (local.set $j (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))))
                (local.set $d (call $dot
                  (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $stride))) (local.get $xr) (local.get $stride)))
                (if (local.get $toff)
                  (then (local.set $d (f32.add (local.get $d)
                    (f32.load (i32.add (local.get $toff) (i32.shl (local.get $j) (i32.const 2))))))))
                (local.set $d (f32.sub (local.get $d) (f32.const 1)))
                (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.mul
                  (f32.load (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2))))
                  (f32.mul (local.get $d) (local.get $d))))))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))
                (br $loss_next)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row_next)))
    (local.get $sum))

  ;; Gram Σ_r w_r w_rᵀ of `rows` rows of w (`stride` bytes apart) over their first `dim` floats, in
  ;; f64: writes the upper triangle (and the odd entries beside the diagonal) of `out`, dim rows of
  ;; 2·stride bytes (one f64 per float). Products of two f32 are exact in f64, and four rows are
  ;; summed in the order of gramOf in cg-gram.ts before each accumulator update, so the two agree
  ;; exactly. `tmp` holds four rows as f64 (8·stride bytes).
  (func (export "gram") (param $w i32) (param $rows i32) (param $dim i32) (param $stride i32)
                        (param $out i32) (param $tmp i32)
    (local $r i32) (local $a i32) (local $b i32) (local $end i32) (local $acc i32)
    (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $dim) (i32.shl (local.get $stride) (i32.const 1))))
    (local.set $t1 (i32.add (local.get $tmp) (i32.shl (local.get $stride) (i32.const 1))))
    (local.set $t2 (i32.add (local.get $t1) (i32.shl (local.get $stride) (i32.const 1))))
    (local.set $t3 (i32.add (local.get $t2) (i32.shl (local.get $stride) (i32.const 1))))
    ;; Bytes of f64 per accumulator row that hold features: dim rounded up to an even count.
    (local.set $end (i32.shl (i32.and (i32.add (local.get $dim) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (block $blocks_done
      (loop $block
        (br_if $blocks_done (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (call $promoteRows (local.get $w) (local.get $r) (i32.const 4) (local.get $stride) (local.get $tmp))
        (local.set $a (i32.const 0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $a) (local.get $dim)))
            (local.set $s0 (v128.load64_splat (i32.add (local.get $tmp) (i32.shl (local.get $a) (i32.const 3)))))
            (local.set $s1 (v128.load64_splat (i32.add (local.get $t1) (i32.shl (local.get $a) (i32.const 3)))))
            (local.set $s2 (v128.load64_splat (i32.add (local.get $t2) (i32.shl (local.get $a) (i32.const 3)))))
            (local.set $s3 (v128.load64_splat (i32.add (local.get $t3) (i32.shl (local.get $a) (i32.const 3)))))
            (local.set $acc (i32.add (local.get $out) (i32.mul (local.get $a) (i32.shl (local.get $stride) (i32.const 1)))))
            (local.set $b (i32.shl (i32.and (local.get $a) (i32.const -2)) (i32.const 3)))
            (block $cols_done
              (loop $col
                (br_if $cols_done (i32.ge_u (local.get $b) (local.get $end)))
                (v128.store (i32.add (local.get $acc) (local.get $b))
                  (f64x2.add (v128.load (i32.add (local.get $acc) (local.get $b)))
                    (f64x2.add
                      (f64x2.add
                        (f64x2.add
                          (f64x2.mul (local.get $s0) (v128.load (i32.add (local.get $tmp) (local.get $b))))
                          (f64x2.mul (local.get $s1) (v128.load (i32.add (local.get $t1) (local.get $b)))))
                        (f64x2.mul (local.get $s2) (v128.load (i32.add (local.get $t2) (local.get $b)))))
                      (f64x2.mul (local.get $s3) (v128.load (i32.add (local.get $t3) (local.get $b)))))))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $col)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $row)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $block)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $r) (local.get $rows)))
        (call $promoteRows (local.get $w) (local.get $r) (i32.const 1) (local.get $stride) (local.get $tmp))
        (local.set $a (i32.const 0))
        (block $trows_done
          (loop $trow
            (br_if $trows_done (i32.ge_u (local.get $a) (local.get $dim)))
            (local.set $s0 (v128.load64_splat (i32.add (local.get $tmp) (i32.shl (local.get $a) (i32.const 3)))))
            (local.set $acc (i32.add (local.get $out) (i32.mul (local.get $a) (i32.shl (local.get $stride) (i32.const 1)))))
            (local.set $b (i32.shl (i32.and (local.get $a) (i32.const -2)) (i32.const 3)))
            (block $tcols_done
              (loop $tcol
                (br_if $tcols_done (i32.ge_u (local.get $b) (local.get $end)))
                (v128.store (i32.add (local.get $acc) (local.get $b))
                  (f64x2.add (v128.load (i32.add (local.get $acc) (local.get $b)))
                    (f64x2.mul (local.get $s0) (v128.load (i32.add (local.get $tmp) (local.get $b))))))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $tcol)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $trow)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tail))))

  ;; Rows [r, r + count) of w (`stride` bytes apart) as f64 rows of 2·stride bytes from `tmp`.
  (func $promoteRows (param $w i32) (param $r i32) (param $count i32) (param $stride i32) (param $tmp i32)
    (local $src i32) (local $srcEnd i32) (local $dst i32)
    (local.set $src (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $stride))))
    (local.set $srcEnd (i32.add (local.get $src) (i32.mul (local.get $count) (local.get $stride))))
    (local.set $dst (local.get $tmp))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $srcEnd)))
        (v128.store (local.get $dst) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 8)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $next))))
)
