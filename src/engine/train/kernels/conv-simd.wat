;; The data movements of a CNN's training step (NHWC, float32) 4 lanes at a time (wasm SIMD), on
;; the memory of tfjs' wasm backend (imported): pointers are byte offsets of tensors on its heap.
;; Each is the SIMD form of a JS loop kept beside it (im2col.ts, pool.ts, wasm-sum.ts) and gives
;; the same bits: same operations, same order of additions.
;; Rebuild conv-simd.wasm.ts with: node src/engine/train/kernels/build-conv-simd.mjs
(module
  (import "env" "memory" (memory 1))

  ;; max-pooling's gradient, channels a multiple of 4. dx must be zeroed by the caller. For each
  ;; window and 4 channels: the largest input (a strict > in scan order: ties go to the first,
  ;; NaN never wins, an all -inf window gets nothing), then dy is added where the first input
  ;; equal to it lies.
  (func (export "maxpool_grad")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $C i32)
    (param $outH i32) (param $outW i32) (param $kH i32) (param $kW i32)
    (param $sH i32) (param $sW i32) (param $padTop i32) (param $padLeft i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $c i32)
    (local $h i32) (local $w i32) (local $hLo i32) (local $hHi i32) (local $wLo i32) (local $wHi i32)
    (local $rowBytes i32) (local $imageBytes i32) (local $cBytes i32)
    (local $image i32) (local $win i32) (local $p i32) (local $rowP i32) (local $o i32)
    (local $best v128) (local $v v128) (local $g v128) (local $hit v128) (local $done v128) (local $valid v128)
    (local.set $cBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $cBytes)))
    (local.set $imageBytes (i32.mul (local.get $inH) (local.get $rowBytes)))
    (local.set $o (local.get $dy))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $batch)))
      (local.set $image (i32.mul (local.get $n) (local.get $imageBytes)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $outH)))
        (local.set $h (i32.sub (i32.mul (local.get $oh) (local.get $sH)) (local.get $padTop)))
        (local.set $hLo (select (local.get $h) (i32.const 0) (i32.gt_s (local.get $h) (i32.const 0))))
        (local.set $hHi (i32.add (local.get $h) (local.get $kH)))
        (local.set $hHi (select (local.get $inH) (local.get $hHi) (i32.gt_s (local.get $hHi) (local.get $inH))))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owLoop
          (br_if $owDone (i32.ge_s (local.get $ow) (local.get $outW)))
          (local.set $w (i32.sub (i32.mul (local.get $ow) (local.get $sW)) (local.get $padLeft)))
          (local.set $wLo (select (local.get $w) (i32.const 0) (i32.gt_s (local.get $w) (i32.const 0))))
          (local.set $wHi (i32.add (local.get $w) (local.get $kW)))
          (local.set $wHi (select (local.get $inW) (local.get $wHi) (i32.gt_s (local.get $wHi) (local.get $inW))))
          ;; byte offset of the window's first pixel, relative to x (and dx)
          (local.set $win (i32.add (local.get $image)
            (i32.add (i32.mul (local.get $hLo) (local.get $rowBytes)) (i32.mul (local.get $wLo) (local.get $cBytes)))))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_s (local.get $c) (local.get $cBytes)))
            ;; pass 1: the largest value per lane
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $rowP (i32.add (local.get $win) (local.get $c)))
            (local.set $h (local.get $hLo))
            (block $h1Done (loop $h1Loop
              (br_if $h1Done (i32.ge_s (local.get $h) (local.get $hHi)))
              (local.set $p (local.get $rowP))
              (local.set $w (local.get $wLo))
              (block $w1Done (loop $w1Loop
                (br_if $w1Done (i32.ge_s (local.get $w) (local.get $wHi)))
                (local.set $v (v128.load (i32.add (local.get $x) (local.get $p))))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))
                (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
                (local.set $w (i32.add (local.get $w) (i32.const 1)))
                (br $w1Loop)))
              (local.set $rowP (i32.add (local.get $rowP) (local.get $rowBytes)))
              (local.set $h (i32.add (local.get $h) (i32.const 1)))
              (br $h1Loop)))
            ;; pass 2: add dy at the first input equal to the largest
            (local.set $valid (f32x4.gt (local.get $best) (f32x4.splat (f32.const -inf))))
            (local.set $g (v128.load (i32.add (local.get $o) (local.get $c))))
            (local.set $done (v128.const i32x4 0 0 0 0))
            (local.set $rowP (i32.add (local.get $win) (local.get $c)))
            (local.set $h (local.get $hLo))
            (block $h2Done (loop $h2Loop
              (br_if $h2Done (i32.ge_s (local.get $h) (local.get $hHi)))
              (local.set $p (local.get $rowP))
              (local.set $w (local.get $wLo))
              (block $w2Done (loop $w2Loop
                (br_if $w2Done (i32.ge_s (local.get $w) (local.get $wHi)))
                (local.set $hit (v128.andnot
                  (v128.and (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $p))) (local.get $best)) (local.get $valid))
                  (local.get $done)))
                (v128.store (i32.add (local.get $dx) (local.get $p))
                  (f32x4.add (v128.load (i32.add (local.get $dx) (local.get $p))) (v128.and (local.get $g) (local.get $hit))))
                (local.set $done (v128.or (local.get $done) (local.get $hit)))
                (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
                (local.set $w (i32.add (local.get $w) (i32.const 1)))
                (br $w2Loop)))
              (local.set $rowP (i32.add (local.get $rowP) (local.get $rowBytes)))
              (local.set $h (i32.add (local.get $h) (i32.const 1)))
              (br $h2Loop)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cLoop)))
          (local.set $o (i32.add (local.get $o) (local.get $cBytes)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))

  ;; maxpool_grad for the common 2x2 windows with stride 2 and no padding (every window inside
  ;; the input, no two overlapping), unrolled: same results as maxpool_grad (dx zeroed by the
  ;; caller where no window reaches; +0 added to each written gradient, as the general loop adds
  ;; it to a zero).
  (func (export "maxpool2x2_grad")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $C i32) (param $outH i32) (param $outW i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $c i32) (local $cBytes i32) (local $rowBytes i32)
    (local $p i32) (local $o i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $best v128) (local $valid v128)
    (local $g v128) (local $hit v128) (local $done v128)
    (local.set $cBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $cBytes)))
    (local.set $o (local.get $dy))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $outH)))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owLoop
          (br_if $owDone (i32.ge_s (local.get $ow) (local.get $outW)))
          ;; byte offset of the window's top-left pixel, relative to x and dx
          (local.set $p (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH))
            (i32.shl (local.get $oh) (i32.const 1))) (local.get $inW)) (i32.shl (local.get $ow) (i32.const 1))) (local.get $cBytes)))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_s (local.get $c) (local.get $cBytes)))
            (local.set $v0 (v128.load (i32.add (local.get $x) (local.get $p))))
            (local.set $v1 (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $cBytes)))))
            (local.set $v2 (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $rowBytes)))))
            (local.set $v3 (v128.load (i32.add (local.get $x) (i32.add (i32.add (local.get $p) (local.get $rowBytes)) (local.get $cBytes)))))
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $best (v128.bitselect (local.get $v0) (local.get $best) (f32x4.gt (local.get $v0) (local.get $best))))
            (local.set $best (v128.bitselect (local.get $v1) (local.get $best) (f32x4.gt (local.get $v1) (local.get $best))))
            (local.set $best (v128.bitselect (local.get $v2) (local.get $best) (f32x4.gt (local.get $v2) (local.get $best))))
            (local.set $best (v128.bitselect (local.get $v3) (local.get $best) (f32x4.gt (local.get $v3) (local.get $best))))
            (local.set $valid (f32x4.gt (local.get $best) (f32x4.splat (f32.const -inf))))
            (local.set $g (v128.load (i32.add (local.get $o) (local.get $c))))
            (local.set $hit (v128.and (f32x4.eq (local.get $v0) (local.get $best)) (local.get $valid)))
            (v128.store (i32.add (local.get $dx) (local.get $p))
              (f32x4.add (v128.const f32x4 0 0 0 0) (v128.and (local.get $g) (local.get $hit))))
            (local.set $done (local.get $hit))
            (local.set $hit (v128.andnot (v128.and (f32x4.eq (local.get $v1) (local.get $best)) (local.get $valid)) (local.get $done)))
            (v128.store (i32.add (local.get $dx) (i32.add (local.get $p) (local.get $cBytes)))
              (f32x4.add (v128.const f32x4 0 0 0 0) (v128.and (local.get $g) (local.get $hit))))
            (local.set $done (v128.or (local.get $done) (local.get $hit)))
            (local.set $hit (v128.andnot (v128.and (f32x4.eq (local.get $v2) (local.get $best)) (local.get $valid)) (local.get $done)))
            (v128.store (i32.add (local.get $dx) (i32.add (local.get $p) (local.get $rowBytes)))
              (f32x4.add (v128.const f32x4 0 0 0 0) (v128.and (local.get $g) (local.get $hit))))
            (local.set $done (v128.or (local.get $done) (local.get $hit)))
            (local.set $hit (v128.andnot (v128.and (f32x4.eq (local.get $v3) (local.get $best)) (local.get $valid)) (local.get $done)))
            (v128.store (i32.add (local.get $dx) (i32.add (i32.add (local.get $p) (local.get $rowBytes)) (local.get $cBytes)))
              (f32x4.add (v128.const f32x4 0 0 0 0) (v128.and (local.get $g) (local.get $hit))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cLoop)))
          (local.set $o (i32.add (local.get $o) (local.get $cBytes)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))

  ;; out[c] = Σ_r x[r·cols + c] for r < rows, summed in float64 down each column (in row order)
  ;; and rounded once, as sumRows in JS. cols a multiple of 4. 16 columns (8 float64 pairs) per
  ;; pass down the rows, so each 64-byte line of x is read once.
  (func (export "sum_rows") (param $x i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $c i32) (local $r i32) (local $p i32) (local $stride i32) (local $end16 i32) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end16 (i32.and (local.get $cols) (i32.const -16)))
    (local.set $c (i32.const 0))
    (block $cDone (loop $cLoop
      (br_if $cDone (i32.ge_s (local.get $c) (local.get $end16)))
      (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
      (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
      (local.set $a4 (v128.const i64x2 0 0)) (local.set $a5 (v128.const i64x2 0 0))
      (local.set $a6 (v128.const i64x2 0 0)) (local.set $a7 (v128.const i64x2 0 0))
      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $v (v128.load offset=16 (local.get $p)))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $v (v128.load offset=32 (local.get $p)))
        (local.set $a4 (f64x2.add (local.get $a4) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $a5 (f64x2.add (local.get $a5) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $v (v128.load offset=48 (local.get $p)))
        (local.set $a6 (f64x2.add (local.get $a6) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $a7 (f64x2.add (local.get $a7) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop)))
      (local.set $p (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))))
      (v128.store (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (local.get $a0)) (f32x4.demote_f64x2_zero (local.get $a1))))
      (v128.store offset=16 (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (local.get $a2)) (f32x4.demote_f64x2_zero (local.get $a3))))
      (v128.store offset=32 (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (local.get $a4)) (f32x4.demote_f64x2_zero (local.get $a5))))
      (v128.store offset=48 (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (local.get $a6)) (f32x4.demote_f64x2_zero (local.get $a7))))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (br $cLoop)))
    ;; the last columns, 4 at a time
    (block $c4Done (loop $c4Loop
      (br_if $c4Done (i32.ge_s (local.get $c) (local.get $cols)))
      (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $r4Done (loop $r4Loop
        (br_if $r4Done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $r4Loop)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $a0)) (f32x4.demote_f64x2_zero (local.get $a1))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $c4Loop))))

  ;; The transposed im2col matrix (see im2colT in im2col.ts), input channels a multiple of 4:
  ;; out[k·M + m] for tap k = (kh·kW + kw)·Cin + ci and output position m. Writes only the
  ;; entries whose pixel lies inside the input: the caller zeroes out first when there is padding.
  ;; Four output columns at a time: 4 pixels × 4 channels loaded, transposed, stored to 4 rows.
  ;; Channels go in groups of $group (a multiple of 4): each pass over the positions writes
  ;; $group rows of out front to back; more rows at once measured slower (write streams).
  (func (export "im2col_t") (param $x i32) (param $out i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $Cin i32)
    (param $outH i32) (param $outW i32) (param $kH i32) (param $kW i32)
    (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $padTop i32) (param $padLeft i32)
    (param $group i32)
    (local $M4 i32) (local $kh i32) (local $kw i32) (local $n i32) (local $oh i32) (local $ow i32) (local $ci i32)
    (local $shift i32) (local $owLo i32) (local $owHi i32) (local $ih i32) (local $m i32) (local $kRow i32)
    (local $src i32) (local $step i32) (local $dst i32) (local $t i32) (local $cBytes i32) (local $last i32)
    (local $g0 i32) (local $gEnd i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $M4 (i32.shl (i32.mul (local.get $batch) (i32.mul (local.get $outH) (local.get $outW))) (i32.const 2)))
    (local.set $cBytes (i32.shl (local.get $Cin) (i32.const 2)))
    (local.set $step (i32.mul (local.get $sW) (local.get $cBytes)))
    (local.set $group (i32.shl (local.get $group) (i32.const 2)))
    (local.set $kh (i32.const 0))
    (block $khDone (loop $khLoop
      (br_if $khDone (i32.ge_s (local.get $kh) (local.get $kH)))
      (local.set $kw (i32.const 0))
      (block $kwDone (loop $kwLoop
        (br_if $kwDone (i32.ge_s (local.get $kw) (local.get $kW)))
        ;; output columns whose input column lies inside the image: [owLo, owHi)
        (local.set $shift (i32.sub (i32.mul (local.get $kw) (local.get $dW)) (local.get $padLeft)))
        (local.set $owLo (select (i32.const 0)
          (i32.div_s (i32.sub (i32.sub (local.get $sW) (i32.const 1)) (local.get $shift)) (local.get $sW))
          (i32.ge_s (local.get $shift) (i32.const 0))))
        (local.set $t (i32.sub (i32.sub (local.get $inW) (i32.const 1)) (local.get $shift)))
        (local.set $owHi (select (i32.const 0)
          (i32.add (i32.div_s (local.get $t) (local.get $sW)) (i32.const 1))
          (i32.lt_s (local.get $t) (i32.const 0))))
        (local.set $owHi (select (local.get $outW) (local.get $owHi) (i32.gt_s (local.get $owHi) (local.get $outW))))
        ;; the byte offset in out of row k = (kh·kW + kw)·Cin
        (local.set $kRow (i32.mul (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $kW)) (local.get $kw)) (local.get $Cin)) (local.get $M4)))
        (local.set $g0 (i32.const 0))
        (block $gDone (loop $gLoop
          (br_if $gDone (i32.ge_s (local.get $g0) (local.get $cBytes)))
          (local.set $gEnd (i32.add (local.get $g0) (local.get $group)))
          (local.set $gEnd (select (local.get $cBytes) (local.get $gEnd) (i32.gt_s (local.get $gEnd) (local.get $cBytes))))
          (local.set $m (i32.const 0))
          (local.set $n (i32.const 0))
          (block $nDone (loop $nLoop
            (br_if $nDone (i32.ge_s (local.get $n) (local.get $batch)))
            (local.set $oh (i32.const 0))
            (block $ohDone (loop $ohLoop
              (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $outH)))
              (local.set $ih (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $sH)) (i32.mul (local.get $kh) (local.get $dH))) (local.get $padTop)))
              (if (i32.and (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $inH)))
                           (i32.lt_s (local.get $owLo) (local.get $owHi)))
                (then
                  (if (i32.ge_s (i32.sub (local.get $owHi) (local.get $owLo)) (i32.const 4))
                    (then
                      ;; blocks of 4 columns; the last block ends at owHi (overlapping the one
                      ;; before: the same values are written twice)
                      (local.set $last (i32.sub (local.get $owHi) (i32.const 4)))
                      (local.set $ow (local.get $owLo))
                      (block $owDone (loop $owLoop
                        (local.set $src (i32.add (i32.add (local.get $x) (local.get $g0)) (i32.mul
                          (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $ih)) (local.get $inW))
                                   (i32.add (i32.mul (local.get $ow) (local.get $sW)) (local.get $shift)))
                          (local.get $cBytes))))
                        (local.set $dst (i32.add (i32.add (local.get $out) (i32.add (local.get $kRow) (i32.mul (i32.shr_u (local.get $g0) (i32.const 2)) (local.get $M4))))
                          (i32.shl (i32.add (local.get $m) (local.get $ow)) (i32.const 2))))
                        (local.set $ci (local.get $g0))
                        (block $ciDone (loop $ciLoop
                          (br_if $ciDone (i32.ge_s (local.get $ci) (local.get $gEnd)))
                          (local.set $a (v128.load (local.get $src)))
                          (local.set $b (v128.load (i32.add (local.get $src) (local.get $step))))
                          (local.set $c (v128.load (i32.add (local.get $src) (i32.shl (local.get $step) (i32.const 1)))))
                          (local.set $d (v128.load (i32.add (local.get $src) (i32.mul (local.get $step) (i32.const 3)))))
                          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
                          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
                          (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $d)))
                          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $d)))
                          (v128.store (local.get $dst)
                            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                          (local.set $dst (i32.add (local.get $dst) (local.get $M4)))
                          (v128.store (local.get $dst)
                            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                          (local.set $dst (i32.add (local.get $dst) (local.get $M4)))
                          (v128.store (local.get $dst)
                            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                          (local.set $dst (i32.add (local.get $dst) (local.get $M4)))
                          (v128.store (local.get $dst)
                            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                          (local.set $dst (i32.add (local.get $dst) (local.get $M4)))
                          (local.set $src (i32.add (local.get $src) (i32.const 16)))
                          (local.set $ci (i32.add (local.get $ci) (i32.const 16)))
                          (br $ciLoop)))
                        (br_if $owDone (i32.ge_s (local.get $ow) (local.get $last)))
                        (local.set $ow (i32.add (local.get $ow) (i32.const 4)))
                        (local.set $ow (select (local.get $last) (local.get $ow) (i32.gt_s (local.get $ow) (local.get $last))))
                        (br $owLoop))))
                    (else
                      ;; fewer than 4 columns: one at a time
                      (local.set $ow (local.get $owLo))
                      (block $sDone (loop $sLoop
                        (br_if $sDone (i32.ge_s (local.get $ow) (local.get $owHi)))
                        (local.set $src (i32.add (local.get $x) (i32.mul
                          (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $ih)) (local.get $inW))
                                   (i32.add (i32.mul (local.get $ow) (local.get $sW)) (local.get $shift)))
                          (local.get $cBytes))))
                        (local.set $dst (i32.add (i32.add (local.get $out) (i32.add (local.get $kRow) (i32.mul (i32.shr_u (local.get $g0) (i32.const 2)) (local.get $M4))))
                          (i32.shl (i32.add (local.get $m) (local.get $ow)) (i32.const 2))))
                        (local.set $ci (local.get $g0))
                        (block $sciDone (loop $sciLoop
                          (br_if $sciDone (i32.ge_s (local.get $ci) (local.get $gEnd)))
                          (f32.store (local.get $dst) (f32.load (i32.add (local.get $src) (local.get $ci))))
                          (local.set $dst (i32.add (local.get $dst) (local.get $M4)))
                          (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
                          (br $sciLoop)))
                        (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                        (br $sLoop)))))))
              (local.set $m (i32.add (local.get $m) (local.get $outW)))
              (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
              (br $ohLoop)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $nLoop)))
          (local.set $g0 (local.get $gEnd))
          (br $gLoop)))
        (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
        (br $kwLoop)))
      (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
      (br $khLoop))))

  ;; The filter gradient of a convolution with few taps (a first layer on 1-3 channels), output
  ;; channels a multiple of 4: dw[k, co] = Σ_m x at tap k of position m · dy[m, co], straight
  ;; from x (no im2col) into dw, which the caller zeroes. Taps in the padding add nothing. Per
  ;; output row (n, oh), tap and 16 output channels, the row's products are summed in 4 registers
  ;; and then added to dw. For few taps the matrix product's cost is mostly XNNPACK packing dy as
  ;; its weights (M × Cout floats) for a product of only K rows.
  (func (export "filter_grad_direct") (param $x i32) (param $dy i32) (param $dw i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $Cin i32)
    (param $outH i32) (param $outW i32) (param $Cout i32) (param $kH i32) (param $kW i32)
    (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $padTop i32) (param $padLeft i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $kw i32) (local $ci i32) (local $cg i32)
    (local $ih i32) (local $shift i32) (local $owLo i32) (local $owHi i32) (local $t i32)
    (local $dyRow i32) (local $acc i32) (local $oBytes i32) (local $cBytes i32) (local $xStep i32)
    (local $rowBase i32) (local $px i32) (local $pd i32) (local $end16 i32)
    (local $xv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $oBytes (i32.shl (local.get $Cout) (i32.const 2)))
    (local.set $cBytes (i32.shl (local.get $Cin) (i32.const 2)))
    (local.set $xStep (i32.mul (local.get $sW) (local.get $cBytes)))
    (local.set $end16 (i32.and (local.get $oBytes) (i32.const -64)))
    (local.set $dyRow (local.get $dy))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $outH)))
        (local.set $kh (i32.const 0))
        (block $khDone (loop $khLoop
          (br_if $khDone (i32.ge_s (local.get $kh) (local.get $kH)))
          (local.set $ih (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $sH)) (i32.mul (local.get $kh) (local.get $dH))) (local.get $padTop)))
          (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $inH)))
            (then
              (local.set $rowBase (i32.add (local.get $x)
                (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $ih)) (local.get $inW)) (local.get $cBytes))))
              (local.set $kw (i32.const 0))
              (block $kwDone (loop $kwLoop
                (br_if $kwDone (i32.ge_s (local.get $kw) (local.get $kW)))
                ;; output columns whose input column lies inside the image: [owLo, owHi)
                (local.set $shift (i32.sub (i32.mul (local.get $kw) (local.get $dW)) (local.get $padLeft)))
                (local.set $owLo (select (i32.const 0)
                  (i32.div_s (i32.sub (i32.sub (local.get $sW) (i32.const 1)) (local.get $shift)) (local.get $sW))
                  (i32.ge_s (local.get $shift) (i32.const 0))))
                (local.set $t (i32.sub (i32.sub (local.get $inW) (i32.const 1)) (local.get $shift)))
                (local.set $owHi (select (i32.const 0)
                  (i32.add (i32.div_s (local.get $t) (local.get $sW)) (i32.const 1))
                  (i32.lt_s (local.get $t) (i32.const 0))))
                (local.set $owHi (select (local.get $outW) (local.get $owHi) (i32.gt_s (local.get $owHi) (local.get $outW))))
                (if (i32.lt_s (local.get $owLo) (local.get $owHi))
                  (then
                    ;; row k = (kh·kW + kw)·Cin of dw
                    (local.set $acc (i32.add (local.get $dw) (i32.mul
                      (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $kW)) (local.get $kw)) (local.get $Cin)) (local.get $oBytes))))
                    (local.set $ci (i32.const 0))
                    (block $ciDone (loop $ciLoop
                      (br_if $ciDone (i32.ge_s (local.get $ci) (local.get $cBytes)))
                      (local.set $cg (i32.const 0))
                      (block $cgDone (loop $cgLoop
                        (br_if $cgDone (i32.ge_s (local.get $cg) (local.get $oBytes)))
                        (local.set $px (i32.add (i32.add (local.get $rowBase) (local.get $ci))
                          (i32.mul (i32.add (i32.mul (local.get $owLo) (local.get $sW)) (local.get $shift)) (local.get $cBytes))))
                        (local.set $pd (i32.add (i32.add (local.get $dyRow) (local.get $cg)) (i32.mul (local.get $owLo) (local.get $oBytes))))
                        (local.set $ow (local.get $owLo))
                        (if (i32.lt_s (local.get $cg) (local.get $end16))
                          (then
                            ;; 16 output channels in 4 registers
                            (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
                            (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
                            (block $wDone (loop $wLoop
                              (br_if $wDone (i32.ge_s (local.get $ow) (local.get $owHi)))
                              (local.set $xv (v128.load32_splat (local.get $px)))
                              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (local.get $pd)))))
                              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $pd)))))
                              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $pd)))))
                              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $pd)))))
                              (local.set $px (i32.add (local.get $px) (local.get $xStep)))
                              (local.set $pd (i32.add (local.get $pd) (local.get $oBytes)))
                              (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                              (br $wLoop)))
                            (local.set $pd (i32.add (local.get $acc) (local.get $cg)))
                            (v128.store (local.get $pd) (f32x4.add (v128.load (local.get $pd)) (local.get $a0)))
                            (v128.store offset=16 (local.get $pd) (f32x4.add (v128.load offset=16 (local.get $pd)) (local.get $a1)))
                            (v128.store offset=32 (local.get $pd) (f32x4.add (v128.load offset=32 (local.get $pd)) (local.get $a2)))
                            (v128.store offset=48 (local.get $pd) (f32x4.add (v128.load offset=48 (local.get $pd)) (local.get $a3)))
                            (local.set $cg (i32.add (local.get $cg) (i32.const 64))))
                          (else
                            ;; the last output channels, 4 at a time
                            (local.set $a0 (v128.const i32x4 0 0 0 0))
                            (block $w4Done (loop $w4Loop
                              (br_if $w4Done (i32.ge_s (local.get $ow) (local.get $owHi)))
                              (local.set $a0 (f32x4.add (local.get $a0)
                                (f32x4.mul (v128.load32_splat (local.get $px)) (v128.load (local.get $pd)))))
                              (local.set $px (i32.add (local.get $px) (local.get $xStep)))
                              (local.set $pd (i32.add (local.get $pd) (local.get $oBytes)))
                              (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                              (br $w4Loop)))
                            (local.set $pd (i32.add (local.get $acc) (local.get $cg)))
                            (v128.store (local.get $pd) (f32x4.add (v128.load (local.get $pd)) (local.get $a0)))
                            (local.set $cg (i32.add (local.get $cg) (i32.const 16)))))
                        (br $cgLoop)))
                      (local.set $acc (i32.add (local.get $acc) (local.get $oBytes)))
                      (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
                      (br $ciLoop)))))
                (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                (br $kwLoop)))))
          (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
          (br $khLoop)))
        (local.set $dyRow (i32.add (local.get $dyRow) (i32.mul (local.get $outW) (local.get $oBytes))))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))

  ;; ReLU's gradient in one pass: out = dy · s, s = 1 where x > 0, NaN where x is NaN, else 0 —
  ;; tfjs' mul(dy, cast(step(x))) (three kernels, two temporaries) with the same products.
  (func (export "relu_grad") (param $x i32) (param $dy i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32) (local $end4 i32) (local $v v128) (local $s v128) (local $f f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
      (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
      (local.set $s (v128.and (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))
      (local.set $s (v128.bitselect (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000) (local.get $s)
        (f32x4.ne (local.get $v) (local.get $v))))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $i))) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    (block $tDone (loop $tNext
      (br_if $tDone (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $f (f32.load (i32.add (local.get $x) (local.get $i))))
      (f32.store (i32.add (local.get $out) (local.get $i))
        (f32.mul (f32.load (i32.add (local.get $dy) (local.get $i)))
          (select (f32.const nan) (select (f32.const 1) (f32.const 0) (f32.gt (local.get $f) (f32.const 0)))
            (f32.ne (local.get $f) (local.get $f)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $tNext))))

  ;; col2im: dx[pixel of tap k of position m][ci] += dcols[m·K + k], the adjoint of im2col, in the
  ;; order of col2imAdd in im2col.ts (positions, then taps), input channels a multiple of 4. dx
  ;; must be zeroed by the caller.
  (func (export "col2im_add") (param $dcols i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $Cin i32)
    (param $outH i32) (param $outW i32) (param $kH i32) (param $kW i32)
    (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $padTop i32) (param $padLeft i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $kw i32) (local $ci i32)
    (local $ih i32) (local $iw i32) (local $src i32) (local $dst i32) (local $cBytes i32) (local $kwBytes i32)
    (local $rowBase i32) (local $tapRow i32)
    (local.set $cBytes (i32.shl (local.get $Cin) (i32.const 2)))
    (local.set $src (local.get $dcols))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $outH)))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owLoop
          (br_if $owDone (i32.ge_s (local.get $ow) (local.get $outW)))
          ;; src runs over this position's K taps in order
          (local.set $kh (i32.const 0))
          (block $khDone (loop $khLoop
            (br_if $khDone (i32.ge_s (local.get $kh) (local.get $kH)))
            (local.set $ih (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $sH)) (i32.mul (local.get $kh) (local.get $dH))) (local.get $padTop)))
            (local.set $tapRow (local.get $src))
            (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $inH)))
              (then
                (local.set $rowBase (i32.add (local.get $dx)
                  (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $ih)) (local.get $inW)) (local.get $cBytes))))
                (local.set $kw (i32.const 0))
                (block $kwDone (loop $kwLoop
                  (br_if $kwDone (i32.ge_s (local.get $kw) (local.get $kW)))
                  (local.set $iw (i32.sub (i32.add (i32.mul (local.get $ow) (local.get $sW)) (i32.mul (local.get $kw) (local.get $dW))) (local.get $padLeft)))
                  (if (i32.and (i32.ge_s (local.get $iw) (i32.const 0)) (i32.lt_s (local.get $iw) (local.get $inW)))
                    (then
                      (local.set $dst (i32.add (local.get $rowBase) (i32.mul (local.get $iw) (local.get $cBytes))))
                      (local.set $ci (i32.const 0))
                      (block $ciDone (loop $ciLoop
                        (br_if $ciDone (i32.ge_s (local.get $ci) (local.get $cBytes)))
                        (v128.store (i32.add (local.get $dst) (local.get $ci))
                          (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $ci)))
                                     (v128.load (i32.add (local.get $tapRow) (local.get $ci)))))
                        (local.set $ci (i32.add (local.get $ci) (i32.const 16)))
                        (br $ciLoop)))))
                  (local.set $tapRow (i32.add (local.get $tapRow) (local.get $cBytes)))
                  (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                  (br $kwLoop)))))
            (local.set $src (i32.add (local.get $src) (i32.mul (local.get $kW) (local.get $cBytes))))
            (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
            (br $khLoop)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))
)
