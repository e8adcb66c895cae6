;; Hot loops of the workbench in WebAssembly SIMD (f32x4): four synapses per instruction, IEEE float32 in every
;; lane, so results are identical on every machine and thread. Compiled to kernels-wasm.ts by
;; `npm run build:wasm`; a unit test checks the committed bytes against this source.
;;
;; Conventions: all pointers are byte offsets into the imported memory, 16-byte aligned. A layer's weights are
;; row-major [out][inPadded] with inPadded a multiple of 4; padding lanes hold zero weights, zero rule terms and
;; zero activities, so they stay zero and contribute nothing. Rule terms are interleaved per group of four
;; synapses as a[4] b[4] c[4] d[4] (64 bytes).
(module
  (import "env" "memory" (memory 1))

  ;; Horizontal sum in a fixed order: (l0 + l1) + (l2 + l3).
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; out[j] = Σ_i w[j][i] · pre[i]
  (func (export "matvec")
    (param $w i32) (param $pre i32) (param $out i32) (param $inPadded i32) (param $nOut i32)
    (local $rowEnd i32) (local $p i32) (local $acc v128)
    (local $outEnd i32)
    (local.set $outEnd (i32.add (local.get $out) (i32.shl (local.get $nOut) (i32.const 2))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $out) (local.get $outEnd)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $p (local.get $pre))
        (local.set $rowEnd (i32.add (local.get $w) (i32.shl (local.get $inPadded) (i32.const 2))))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $w) (local.get $rowEnd)))
            (local.set $acc
              (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $w)) (v128.load (local.get $p)))))
            (local.set $w (i32.add (local.get $w) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $cols)))
        (f32.store (local.get $out) (call $hsum (local.get $acc)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $rows))))

  ;; The Hebbian step of one layer, fused with its forward pass. For every synapse (j, i):
  ;;   w ← s·w + x_i·(a·y_j + b) + (c·y_j + d)       (x, y: previous pre / post activities)
  ;;   out[j] += w · pre[i]
  ;; Returns max |w| over the layer (the normaliser's divisor).
  (func (export "hebbianForward")
    (param $w i32) (param $e i32) (param $s f32) (param $prevPre i32) (param $prevPost i32)
    (param $pre i32) (param $out i32) (param $inPadded i32) (param $nOut i32) (result f32)
    (local $j i32) (local $g i32) (local $rowBytes i32)
    (local $S v128) (local $y v128) (local $acc v128) (local $mx v128) (local $v v128)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $mx (v128.const f32x4 0 0 0 0))
    (local.set $rowBytes (i32.shl (local.get $inPadded) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $j) (local.get $nOut)))
        (local.set $y (f32x4.splat (f32.load (i32.add (local.get $prevPost) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $g (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $g) (local.get $rowBytes)))
            (local.set $v
              (f32x4.add
                (f32x4.add
                  (f32x4.mul (v128.load (local.get $w)) (local.get $S))
                  (f32x4.mul
                    (v128.load (i32.add (local.get $prevPre) (local.get $g)))
                    (f32x4.add (f32x4.mul (v128.load (local.get $e)) (local.get $y)) (v128.load offset=16 (local.get $e)))))
                (f32x4.add (f32x4.mul (v128.load offset=32 (local.get $e)) (local.get $y)) (v128.load offset=48 (local.get $e)))))
            (v128.store (local.get $w) (local.get $v))
            (local.set $acc
              (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $pre) (local.get $g))))))
            (local.set $mx (f32x4.max (local.get $mx) (f32x4.abs (local.get $v))))
            (local.set $w (i32.add (local.get $w) (i32.const 16)))
            (local.set $e (i32.add (local.get $e) (i32.const 64)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (br $cols)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (call $hsum (local.get $acc)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows)))
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))
      (f32.max (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx)))))

  ;; hebbianForward for networks without normalisation (scale ≡ 1): the same arithmetic minus the scale
  ;; multiply (exact when s = 1) and the max |w| bookkeeping, which are 3 of its ~18 vector ops per 4 synapses.
  (func (export "hebbianForwardUnscaled")
    (param $w i32) (param $e i32) (param $prevPre i32) (param $prevPost i32)
    (param $pre i32) (param $out i32) (param $inPadded i32) (param $nOut i32)
    (local $j i32) (local $g i32) (local $rowBytes i32)
    (local $y v128) (local $acc v128) (local $v v128)
    (local.set $rowBytes (i32.shl (local.get $inPadded) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $j) (local.get $nOut)))
        (local.set $y (f32x4.splat (f32.load (i32.add (local.get $prevPost) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $g (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $g) (local.get $rowBytes)))
            (local.set $v
              (f32x4.add
                (f32x4.add
                  (v128.load (local.get $w))
                  (f32x4.mul
                    (v128.load (i32.add (local.get $prevPre) (local.get $g)))
                    (f32x4.add (f32x4.mul (v128.load (local.get $e)) (local.get $y)) (v128.load offset=16 (local.get $e)))))
                (f32x4.add (f32x4.mul (v128.load offset=32 (local.get $e)) (local.get $y)) (v128.load offset=48 (local.get $e)))))
            (v128.store (local.get $w) (local.get $v))
            (local.set $acc
              (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $pre) (local.get $g))))))
            (local.set $w (i32.add (local.get $w) (i32.const 16)))
            (local.set $e (i32.add (local.get $e) (i32.const 64)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (br $cols)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (call $hsum (local.get $acc)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))
)
