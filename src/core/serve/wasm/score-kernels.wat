;; Serving kernel, f32x4 SIMD: out[i] = v_i · x + beta · bias[i] for n rows of `stride` bytes
;; (a multiple of 32; padding zero). Source of score-kernels-wasm.ts (`npm run build:wasm`).
(module
  (memory (export "memory") 1)
  (func (export "scoreRows")
        (param $v i32) (param $n i32) (param $stride i32) (param $x i32)
        (param $bias i32) (param $beta f32) (param $out i32)
    (local $i i32) (local $d i32) (local $row i32) (local $s0 v128) (local $s1 v128) (local $sum f32)
    (local.set $row (local.get $v))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s0 (v128.const f32x4 0 0 0 0))
        (local.set $s1 (v128.const f32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (block $dd
          (loop $dn
            (br_if $dd (i32.ge_u (local.get $d) (local.get $stride)))
            (local.set $s0 (f32x4.add (local.get $s0)
              (f32x4.mul (v128.load (i32.add (local.get $row) (local.get $d)))
                         (v128.load (i32.add (local.get $x) (local.get $d))))))
            (local.set $s1 (f32x4.add (local.get $s1)
              (f32x4.mul (v128.load offset=16 (i32.add (local.get $row) (local.get $d)))
                         (v128.load offset=16 (i32.add (local.get $x) (local.get $d))))))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br $dn)))
        (local.set $s0 (f32x4.add (local.get $s0) (local.get $s1)))
        (local.set $sum (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
          (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))
        (if (local.get $bias)
          (then (local.set $sum (f32.add (local.get $sum)
            (f32.mul (local.get $beta) (f32.load (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 2)))))))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $sum))
        (local.set $row (i32.add (local.get $row) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
)
