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

  ;; The same sum of the four lanes in float64: (l0 + l1) + (l2 + l3).
  (func $hsum64 (param $v v128) (result f64)
    (f64.add
      (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
      (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v))))))

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
            ;; pmax is one instruction (max's NaN rules cost a sequence); a NaN weight is ignored here but makes its
            ;; neuron's pre-activation NaN, which ends the lifetime.
            (local.set $mx (f32x4.pmax (local.get $mx) (f32x4.abs (local.get $v))))
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

  ;; hebbianForwardUnscaled with clipping (policy normalise `clip`): each updated weight is clamped to [−1, 1] as it
  ;; is written, so the weights stored are the true ones and no pass is added. pmax/pmin in this operand order keep
  ;; a NaN (it then ends the lifetime through its neuron's pre-activation).
  (func (export "hebbianForwardClipped")
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
            (local.set $v
              (f32x4.pmin
                (f32x4.pmax (local.get $v) (v128.const f32x4 -1 -1 -1 -1))
                (v128.const f32x4 1 1 1 1)))
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

  ;; The Hebbian step for weights held as an affine map of the stored ones (policy normalise `zscore`): the true
  ;; weight is s·w + b, so for every synapse
  ;;   w ← (s·w + b) + x_i·(a·y_j + b') + (c·y_j + d),   out[j] += w · pre[i]
  ;; and Σw, Σw² over the layer are written to stats[0], stats[1] (float64) for the caller's next (s, b). Row sums are
  ;; float32 per lane (a row is at most a few hundred groups), added in float64. Padding lanes come out as b (zero
  ;; weight and terms): the caller subtracts them from the sums and zeroes them again.
  (func (export "hebbianForwardAffine")
    (param $w i32) (param $e i32) (param $s f32) (param $b f32) (param $prevPre i32) (param $prevPost i32)
    (param $pre i32) (param $out i32) (param $inPadded i32) (param $nOut i32) (param $stats i32)
    (local $j i32) (local $g i32) (local $rowBytes i32)
    (local $S v128) (local $B v128) (local $y v128) (local $acc v128) (local $v v128) (local $sv v128) (local $sq v128)
    (local $sum f64) (local $sumSq f64)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $B (f32x4.splat (local.get $b)))
    (local.set $rowBytes (i32.shl (local.get $inPadded) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $j) (local.get $nOut)))
        (local.set $y (f32x4.splat (f32.load (i32.add (local.get $prevPost) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $sv (v128.const f32x4 0 0 0 0))
        (local.set $sq (v128.const f32x4 0 0 0 0))
        (local.set $g (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $g) (local.get $rowBytes)))
            (local.set $v
              (f32x4.add
                (f32x4.add
                  (f32x4.add (f32x4.mul (v128.load (local.get $w)) (local.get $S)) (local.get $B))
                  (f32x4.mul
                    (v128.load (i32.add (local.get $prevPre) (local.get $g)))
                    (f32x4.add (f32x4.mul (v128.load (local.get $e)) (local.get $y)) (v128.load offset=16 (local.get $e)))))
                (f32x4.add (f32x4.mul (v128.load offset=32 (local.get $e)) (local.get $y)) (v128.load offset=48 (local.get $e)))))
            (v128.store (local.get $w) (local.get $v))
            (local.set $acc
              (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $pre) (local.get $g))))))
            (local.set $sv (f32x4.add (local.get $sv) (local.get $v)))
            (local.set $sq (f32x4.add (local.get $sq) (f32x4.mul (local.get $v) (local.get $v))))
            (local.set $w (i32.add (local.get $w) (i32.const 16)))
            (local.set $e (i32.add (local.get $e) (i32.const 64)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (br $cols)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (call $hsum (local.get $acc)))
        (local.set $sum (f64.add (local.get $sum) (call $hsum64 (local.get $sv))))
        (local.set $sumSq (f64.add (local.get $sumSq) (call $hsum64 (local.get $sq))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows)))
    (f64.store (local.get $stats) (local.get $sum))
    (f64.store offset=8 (local.get $stats) (local.get $sumSq)))

  ;; Convolution (no padding, no bias) fused with 2×2 max pooling, stride 2, floor: pooled (p, q) is the max of conv
  ;; outputs (2p + dy, 2q + dx). The caller applies tanh to the pooled values (tanhInPlace): tanh is increasing, so
  ;; the max of the tanh is the tanh of the max, and a quarter of the tanh evaluations suffice.
  ;; A kernel tap t reads the input at byte offset taps[t] from the window's corner (c·channel + kh·row + kw), so
  ;; one tap loop serves every channel count and kernel size; dot products are summed in tap order.

;; Stride 1, vectorised over conv columns: each pass computes conv rows 2p, 2p+1 × columns 8g … 8g+7 of a pair of
  ;; output channels (sharing every input load) and pools them into pooled columns 4g … 4g+3. Weights are
  ;; pre-splatted, [o/2][t][2] v128s. Columns past the conv's width (the last group's overhang) read past the row
  ;; and pool into padding lanes q ≥ pooled that the caller never reads; the input buffer has slack for the last
  ;; row's overhang.
  (func (export "convPoolColumns")
    (param $in i32) (param $taps i32) (param $nTaps i32) (param $w i32) (param $nOut i32)
    (param $pooled i32) (param $groups i32) (param $inRowBytes i32)
    (param $out i32) (param $outChannelBytes i32) (param $outRowBytes i32)
    (local $o i32) (local $p i32) (local $g i32) (local $wt i32) (local $wEnd i32) (local $tap i32) (local $base i32) (local $at i32)
    (local $dst i32) (local $wa v128) (local $wb v128) (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (block $outDone
      (loop $outs
        (br_if $outDone (i32.ge_u (local.get $o) (local.get $nOut)))
        (local.set $p (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $pooled)))
            (local.set $g (i32.const 0))
            (block $groupsDone
              (loop $groupLoop
                (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $groups)))
                (local.set $base
                  (i32.add (local.get $in)
                    (i32.add (i32.mul (i32.shl (local.get $p) (i32.const 1)) (local.get $inRowBytes))
                             (i32.shl (local.get $g) (i32.const 5)))))
                (local.set $a0 (v128.const f32x4 0 0 0 0))
                (local.set $a1 (v128.const f32x4 0 0 0 0))
                (local.set $a2 (v128.const f32x4 0 0 0 0))
                (local.set $a3 (v128.const f32x4 0 0 0 0))
                (local.set $b0 (v128.const f32x4 0 0 0 0))
                (local.set $b1 (v128.const f32x4 0 0 0 0))
                (local.set $b2 (v128.const f32x4 0 0 0 0))
                (local.set $b3 (v128.const f32x4 0 0 0 0))
                ;; weights of this channel pair: nTaps × 32 bytes from w + o·nTaps·16
                (local.set $wt (i32.add (local.get $w) (i32.shl (i32.mul (local.get $o) (local.get $nTaps)) (i32.const 4))))
                (local.set $wEnd (i32.add (local.get $wt) (i32.shl (local.get $nTaps) (i32.const 5))))
                (local.set $tap (local.get $taps))
                (block $tapsDone
                  (loop $tapLoop
                    (br_if $tapsDone (i32.ge_u (local.get $wt) (local.get $wEnd)))
                    (local.set $at (i32.add (local.get $base) (i32.load (local.get $tap))))
                    (local.set $wa (v128.load (local.get $wt)))
                    (local.set $wb (v128.load offset=16 (local.get $wt)))
                    (local.set $x (v128.load align=4 (local.get $at)))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (local.get $wa))))
                    (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $x) (local.get $wb))))
                    (local.set $x (v128.load offset=16 align=4 (local.get $at)))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (local.get $wa))))
                    (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $x) (local.get $wb))))
                    (local.set $at (i32.add (local.get $at) (local.get $inRowBytes)))
                    (local.set $x (v128.load align=4 (local.get $at)))
                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (local.get $wa))))
                    (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $x) (local.get $wb))))
                    (local.set $x (v128.load offset=16 align=4 (local.get $at)))
                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (local.get $wa))))
                    (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $x) (local.get $wb))))
                    (local.set $wt (i32.add (local.get $wt) (i32.const 32)))
                    (local.set $tap (i32.add (local.get $tap) (i32.const 4)))
                    (br $tapLoop)))
                ;; rows 2p and 2p+1, then even and odd columns
                (local.set $a0 (f32x4.max (local.get $a0) (local.get $a2)))
                (local.set $a1 (f32x4.max (local.get $a1) (local.get $a3)))
                (local.set $b0 (f32x4.max (local.get $b0) (local.get $b2)))
                (local.set $b1 (f32x4.max (local.get $b1) (local.get $b3)))
                (local.set $dst
                  (i32.add (local.get $out)
                    (i32.add (i32.add (i32.mul (local.get $o) (local.get $outChannelBytes)) (i32.mul (local.get $p) (local.get $outRowBytes)))
                             (i32.shl (local.get $g) (i32.const 4)))))
                (v128.store (local.get $dst)
                  (f32x4.max
                    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
                    (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
                (v128.store (i32.add (local.get $dst) (local.get $outChannelBytes))
                  (f32x4.max
                    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
                    (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
                (local.set $g (i32.add (local.get $g) (i32.const 1)))
                (br $groupLoop)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rows)))
        (local.set $o (i32.add (local.get $o) (i32.const 2)))
        (br $outs))))

;; Any stride, vectorised over output channels, eight at a time: for each pooled (p, q) the four conv positions
  ;; (2p + dy, 2q + dx) at once, so each tap's two weight vectors are loaded once for all four dot products
  ;; (weights [o/8][t][8]). Strides are in bytes: stepRowBytes / stepColBytes advance the window by one conv row /
  ;; column.
  (func (export "convPoolChannels")
    (param $in i32) (param $taps i32) (param $nTaps i32) (param $w i32) (param $nOut i32)
    (param $pooled i32) (param $stepRowBytes i32) (param $stepColBytes i32)
    (param $out i32) (param $outChannelBytes i32) (param $outRowBytes i32)
    (local $o i32) (local $p i32) (local $q i32) (local $wt i32) (local $wEnd i32) (local $tap i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32) (local $off i32) (local $dst i32)
    (local $w0 v128) (local $w1 v128) (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $d0 v128) (local $d1 v128) (local $e0 v128) (local $e1 v128)
    (block $outDone
      (loop $outs
        (br_if $outDone (i32.ge_u (local.get $o) (local.get $nOut)))
        (local.set $p (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $pooled)))
            (local.set $q (i32.const 0))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.ge_u (local.get $q) (local.get $pooled)))
                ;; window corners of conv positions (2p, 2q), (2p, 2q+1), (2p+1, 2q), (2p+1, 2q+1)
                (local.set $c0
                  (i32.add (local.get $in)
                    (i32.add (i32.mul (i32.shl (local.get $p) (i32.const 1)) (local.get $stepRowBytes))
                             (i32.mul (i32.shl (local.get $q) (i32.const 1)) (local.get $stepColBytes)))))
                (local.set $c1 (i32.add (local.get $c0) (local.get $stepColBytes)))
                (local.set $c2 (i32.add (local.get $c0) (local.get $stepRowBytes)))
                (local.set $c3 (i32.add (local.get $c2) (local.get $stepColBytes)))
                (local.set $a0 (v128.const f32x4 0 0 0 0))
                (local.set $a1 (v128.const f32x4 0 0 0 0))
                (local.set $b0 (v128.const f32x4 0 0 0 0))
                (local.set $b1 (v128.const f32x4 0 0 0 0))
                (local.set $d0 (v128.const f32x4 0 0 0 0))
                (local.set $d1 (v128.const f32x4 0 0 0 0))
                (local.set $e0 (v128.const f32x4 0 0 0 0))
                (local.set $e1 (v128.const f32x4 0 0 0 0))
                (local.set $wt (i32.add (local.get $w) (i32.shl (i32.mul (local.get $o) (local.get $nTaps)) (i32.const 2))))
                (local.set $wEnd (i32.add (local.get $wt) (i32.shl (local.get $nTaps) (i32.const 5))))
                (local.set $tap (local.get $taps))
                (block $tapsDone
                  (loop $tapLoop
                    (br_if $tapsDone (i32.ge_u (local.get $wt) (local.get $wEnd)))
                    (local.set $off (i32.load (local.get $tap)))
                    (local.set $w0 (v128.load (local.get $wt)))
                    (local.set $w1 (v128.load offset=16 (local.get $wt)))
                    (local.set $x (v128.load32_splat (i32.add (local.get $c0) (local.get $off))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w0) (local.get $x))))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w1) (local.get $x))))
                    (local.set $x (v128.load32_splat (i32.add (local.get $c1) (local.get $off))))
                    (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $w0) (local.get $x))))
                    (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $w1) (local.get $x))))
                    (local.set $x (v128.load32_splat (i32.add (local.get $c2) (local.get $off))))
                    (local.set $d0 (f32x4.add (local.get $d0) (f32x4.mul (local.get $w0) (local.get $x))))
                    (local.set $d1 (f32x4.add (local.get $d1) (f32x4.mul (local.get $w1) (local.get $x))))
                    (local.set $x (v128.load32_splat (i32.add (local.get $c3) (local.get $off))))
                    (local.set $e0 (f32x4.add (local.get $e0) (f32x4.mul (local.get $w0) (local.get $x))))
                    (local.set $e1 (f32x4.add (local.get $e1) (f32x4.mul (local.get $w1) (local.get $x))))
                    (local.set $wt (i32.add (local.get $wt) (i32.const 32)))
                    (local.set $tap (i32.add (local.get $tap) (i32.const 4)))
                    (br $tapLoop)))
                (local.set $a0 (f32x4.max (f32x4.max (local.get $a0) (local.get $b0)) (f32x4.max (local.get $d0) (local.get $e0))))
                (local.set $a1 (f32x4.max (f32x4.max (local.get $a1) (local.get $b1)) (f32x4.max (local.get $d1) (local.get $e1))))
                ;; scatter the 8 channels to [o][p][q]
                (local.set $dst
                  (i32.add (local.get $out)
                    (i32.add (i32.add (i32.mul (local.get $o) (local.get $outChannelBytes)) (i32.mul (local.get $p) (local.get $outRowBytes)))
                             (i32.shl (local.get $q) (i32.const 2)))))
                (f32.store (local.get $dst) (f32x4.extract_lane 0 (local.get $a0)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outChannelBytes)))
                (f32.store (local.get $dst) (f32x4.extract_lane 1 (local.get $a0)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outChannelBytes)))
                (f32.store (local.get $dst) (f32x4.extract_lane 2 (local.get $a0)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outChannelBytes)))
                (f32.store (local.get $dst) (f32x4.extract_lane 3 (local.get $a0)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outChannelBytes)))
                (f32.store (local.get $dst) (f32x4.extract_lane 0 (local.get $a1)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outChannelBytes)))
                (f32.store (local.get $dst) (f32x4.extract_lane 1 (local.get $a1)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outChannelBytes)))
                (f32.store (local.get $dst) (f32x4.extract_lane 2 (local.get $a1)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outChannelBytes)))
                (f32.store (local.get $dst) (f32x4.extract_lane 3 (local.get $a1)))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $cols)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rows)))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $outs))))

  ;; tanh in place over n floats (rounded up to whole vectors), as the odd rational minimax approximation of degree
  ;; 13/6 that Eigen, XLA and onnxruntime use, with the input clamped to ±7.90531 (where tanh rounds to ±1 in
  ;; float32): within 4e-7 of tanh (a unit test measures it), four values per instruction, no exp. Returns
  ;; max |x| over the inputs, NaN if any is NaN (f32x4.max propagates NaN): the caller's finiteness check.
  (func (export "tanhInPlace") (param $p i32) (param $n i32) (result f32)
    (local $end i32) (local $x v128) (local $x2 v128) (local $num v128) (local $den v128) (local $mx v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.shr_u (i32.add (local.get $n) (i32.const 3)) (i32.const 2)) (i32.const 4))))
    (local.set $mx (v128.const f32x4 0 0 0 0))
    (block $done
      (loop $values
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x (v128.load (local.get $p)))
        (local.set $mx (f32x4.max (local.get $mx) (f32x4.abs (local.get $x))))
        (local.set $x
          (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805))
                     (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805)))
        (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
        (local.set $num (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $x2)) (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $x2)) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $x2)) (v128.const f32x4 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $x2)) (v128.const f32x4 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $x2)) (v128.const f32x4 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $x2)) (v128.const f32x4 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03)))
        (local.set $num (f32x4.mul (local.get $num) (local.get $x)))
        (local.set $den (v128.const f32x4 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06))
        (local.set $den (f32x4.add (f32x4.mul (local.get $den) (local.get $x2)) (v128.const f32x4 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04)))
        (local.set $den (f32x4.add (f32x4.mul (local.get $den) (local.get $x2)) (v128.const f32x4 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03)))
        (local.set $den (f32x4.add (f32x4.mul (local.get $den) (local.get $x2)) (v128.const f32x4 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03)))
        (v128.store (local.get $p) (f32x4.div (local.get $num) (local.get $den)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $values)))
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))
      (f32.max (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx)))))
)
