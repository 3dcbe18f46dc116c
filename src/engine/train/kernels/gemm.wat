;; A float32 matrix product (GEMM) for tfjs' wasm backend, run on its memory (imported): pointers
;; are byte offsets of tensors on its heap. C (m x n) = op(A) (m x k) times op(B) (k x n), all
;; row-major; op transposes an operand stored transposed (ta/tb = 1), read in place while packing.
;;
;; Goto/BLIS layout: the shared dimension in equal blocks of at most 384 (so a B and an A micro-panel,
;; 48 bytes per step, stay within a 32 KB L1), rows of A in blocks of MC = 128.
;; Per k-block, B is packed into 8-column panels (p-major: 8 floats per step of k, 32 bytes) and
;; each row block of A into 4-row panels (4 floats per step); a 4x8 micro-kernel keeps its tile of
;; C in eight f32x4 accumulators over the whole k-block, reading one B panel (kb x 32 bytes, in
;; L1) against every A panel of the block (in L2). Edge tiles (rows past m, columns past n, both
;; zero-padded in the panels) go through a scratch tile and are merged into C element by element.
;; Later k-blocks add into C, so the sum's order is: within a k-block in k order, then blocks.
;;
;; Multiply-adds are written f32x4.relaxed_madd (one rounding where the engine fuses them, e.g.
;; FMA on x64); build-simd.mjs also emits a plain-SIMD build with f32x4.add(f32x4.mul(..)) for
;; engines without relaxed SIMD (Node 20 without its V8 flag, which our workers set). 4x8 measured faster than 5x8 and 6x8 under V8 (whose
;; x64 code has 15 usable xmm registers: 12 accumulators spilled).
;;
;; Zero inputs in A are skipped: MNIST pixels are 81 % zero, so in a 4-row A panel most steps of
;; k are zero in all four rows (in W1's forward product X·W1 61 % of them, in its weight gradient
;; Xᵀ·dH 72 %). After packing a panel, the steps with any non-zero (v128.any_true, so -0 and NaN
;; count as non-zero) are counted; when they are fewer than thr/256 of the block (gemm.ts passes
;; thr = 0.9 x 256; 0 turns the sparse path off), the panel is
;; compacted in place to those steps plus a list of their byte offsets into the B panel, and a
;; sparse micro-kernel runs the same multiply-adds in the same order over the listed steps only.
;; A skipped step adds (+0)·b to the accumulators, which for finite b changes nothing but the sign
;; of an exact zero result: the product is the dense kernel's bit for bit otherwise. For b = ±Inf
;; or NaN the dense kernel gives NaN where the sparse one skips: weights that diverged that far
;; show in the loss anyway.
;; Rebuild gemm-simd.wasm.ts with: node src/engine/train/kernels/build-simd.mjs
(module
  (import "env" "memory" (memory 1))
  ;; C tile (4 x 8, rows ldc bytes apart) = (first ? 0 : C tile) + A panel times B panel over kc steps
  (func $kernel (param $ap i32) (param $bp i32) (param $cp i32) (param $kc i32) (param $ldc i32) (param $first i32)
    (local $a v128) (local $b0 v128) (local $b1 v128) (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (loop $k
      (local.set $b0 (v128.load offset=0 (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
        (local.set $a (v128.load32_splat offset=0 (local.get $ap)))
        (local.set $c00 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
        (local.set $c01 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
        (local.set $a (v128.load32_splat offset=4 (local.get $ap)))
        (local.set $c10 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
        (local.set $c11 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
        (local.set $a (v128.load32_splat offset=8 (local.get $ap)))
        (local.set $c20 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
        (local.set $c21 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
        (local.set $a (v128.load32_splat offset=12 (local.get $ap)))
        (local.set $c30 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
        (local.set $c31 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (local.get $first)
      (then
      (v128.store offset=0 (local.get $cp) (local.get $c00))
      (v128.store offset=16 (local.get $cp) (local.get $c01))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (v128.store offset=0 (local.get $cp) (local.get $c10))
      (v128.store offset=16 (local.get $cp) (local.get $c11))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (v128.store offset=0 (local.get $cp) (local.get $c20))
      (v128.store offset=16 (local.get $cp) (local.get $c21))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (v128.store offset=0 (local.get $cp) (local.get $c30))
      (v128.store offset=16 (local.get $cp) (local.get $c31))
      (return)))
    (v128.store offset=0 (local.get $cp) (f32x4.add (v128.load offset=0 (local.get $cp)) (local.get $c00)))
    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c01)))
    (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
    (v128.store offset=0 (local.get $cp) (f32x4.add (v128.load offset=0 (local.get $cp)) (local.get $c10)))
    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c11)))
    (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
    (v128.store offset=0 (local.get $cp) (f32x4.add (v128.load offset=0 (local.get $cp)) (local.get $c20)))
    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c21)))
    (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
    (v128.store offset=0 (local.get $cp) (f32x4.add (v128.load offset=0 (local.get $cp)) (local.get $c30)))
    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c31))))

  ;; The same tile over cnt listed steps (cnt may be 0): ap holds the compacted A panel (16 bytes
  ;; per listed step), ip the byte offset of each step's row in the B panel at bp.
  (func $kernel_sparse (param $ap i32) (param $ip i32) (param $bp i32) (param $cp i32) (param $cnt i32) (param $ldc i32) (param $first i32)
    (local $a v128) (local $b0 v128) (local $b1 v128) (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $q i32)
    (if (local.get $cnt)
      (then
        (loop $k
          (local.set $q (i32.add (local.get $bp) (i32.load (local.get $ip))))
          (local.set $b0 (v128.load offset=0 (local.get $q)))
          (local.set $b1 (v128.load offset=16 (local.get $q)))
            (local.set $a (v128.load32_splat offset=0 (local.get $ap)))
            (local.set $c00 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
            (local.set $c01 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
            (local.set $a (v128.load32_splat offset=4 (local.get $ap)))
            (local.set $c10 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
            (local.set $c11 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
            (local.set $a (v128.load32_splat offset=8 (local.get $ap)))
            (local.set $c20 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
            (local.set $c21 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
            (local.set $a (v128.load32_splat offset=12 (local.get $ap)))
            (local.set $c30 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
            (local.set $c31 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
          (local.set $ip (i32.add (local.get $ip) (i32.const 4)))
          (br_if $k (local.tee $cnt (i32.sub (local.get $cnt) (i32.const 1)))))))
    (if (local.get $first)
      (then
      (v128.store offset=0 (local.get $cp) (local.get $c00))
      (v128.store offset=16 (local.get $cp) (local.get $c01))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (v128.store offset=0 (local.get $cp) (local.get $c10))
      (v128.store offset=16 (local.get $cp) (local.get $c11))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (v128.store offset=0 (local.get $cp) (local.get $c20))
      (v128.store offset=16 (local.get $cp) (local.get $c21))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (v128.store offset=0 (local.get $cp) (local.get $c30))
      (v128.store offset=16 (local.get $cp) (local.get $c31))
      (return)))
    (v128.store offset=0 (local.get $cp) (f32x4.add (v128.load offset=0 (local.get $cp)) (local.get $c00)))
    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c01)))
    (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
    (v128.store offset=0 (local.get $cp) (f32x4.add (v128.load offset=0 (local.get $cp)) (local.get $c10)))
    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c11)))
    (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
    (v128.store offset=0 (local.get $cp) (f32x4.add (v128.load offset=0 (local.get $cp)) (local.get $c20)))
    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c21)))
    (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
    (v128.store offset=0 (local.get $cp) (f32x4.add (v128.load offset=0 (local.get $cp)) (local.get $c30)))
    (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c31))))

  ;; A packed 4-row panel of kb steps at pa: when fewer than thr/256 of its steps have a non-zero,
  ;; compacted in place to those steps, their byte offsets into a B panel (32 bytes per step)
  ;; written at ip, and their count returned; otherwise left as it is and kb returned (the dense
  ;; kernel's case). thr 0 turns this off. Both passes are branch-free per step.
  (func $sparsify (param $pa i32) (param $kb i32) (param $ip i32) (param $thr i32) (result i32)
    (local $p i32) (local $cnt i32) (local $r i32) (local $w i32) (local $off i32) (local $v v128) (local $live i32)
    (if (i32.eqz (local.get $thr)) (then (return (local.get $kb))))
    (local.set $r (local.get $pa))
    (loop $count
      (local.set $cnt (i32.add (local.get $cnt) (v128.any_true (v128.load (local.get $r)))))
      (local.set $r (i32.add (local.get $r) (i32.const 16)))
      (br_if $count (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kb))))
    (if (i32.ge_u (i32.shl (local.get $cnt) (i32.const 8)) (i32.mul (local.get $kb) (local.get $thr)))
      (then (return (local.get $kb))))
    (local.set $r (local.get $pa))
    (local.set $w (local.get $pa))
    (loop $compact
      ;; every step is written at the cursor; the cursor moves past live steps only (w <= r)
      (local.set $v (v128.load (local.get $r)))
      (v128.store (local.get $w) (local.get $v))
      (i32.store (local.get $ip) (local.get $off))
      (local.set $live (v128.any_true (local.get $v)))
      (local.set $w (i32.add (local.get $w) (i32.shl (local.get $live) (i32.const 4))))
      (local.set $ip (i32.add (local.get $ip) (i32.shl (local.get $live) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 16)))
      (br_if $compact (i32.lt_u (local.tee $off (i32.add (local.get $off) (i32.const 32))) (i32.shl (local.get $kb) (i32.const 5)))))
    (local.get $cnt))

  ;; dst[(ip*kb + p)*MR + ii] = A(i0 + ip*MR + ii, p0 + p), zero past row m; then each panel
  ;; sparsified (thr): its step count at hdr[ip] (kb: dense), its step list at idx + ip*kb*4
  (func $pack_a (param $a i32) (param $si i32) (param $sp i32) (param $m i32) (param $i0 i32) (param $mb i32)
      (param $p0 i32) (param $kb i32) (param $dst i32) (param $idx i32) (param $hdr i32) (param $thr i32)
    (local $i i32) (local $iend i32) (local $p i32) (local $src i32) (local $row i32)
    (local.set $iend (i32.add (local.get $i0) (local.get $mb)))
    (local.set $i (local.get $i0))
    (loop $panel
      (if (i32.and (i32.eq (local.get $si) (i32.const 4)) (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $iend)))
        (then
          ;; A stored transposed and a full panel: its 4 rows are 4 adjacent floats per step of k
          (local.set $src (i32.add (local.get $a) (i32.add (i32.shl (local.get $i) (i32.const 2)) (i32.mul (local.get $p0) (local.get $sp)))))
          (local.set $row (local.get $dst))
          (local.set $p (i32.const 0))
          (loop $pv
            (v128.store (local.get $row) (v128.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $sp)))
            (local.set $row (i32.add (local.get $row) (i32.const 16)))
            (br_if $pv (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kb)))))
        (else
          (if (i32.and (i32.eq (local.get $sp) (i32.const 4)) (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $iend)))
            (then
              ;; A not transposed and a full panel: 4 rows of adjacent floats, transposed 4x4 at a time
              (call $pack4x4 (i32.add (local.get $a) (i32.add (i32.mul (local.get $i) (local.get $si)) (i32.shl (local.get $p0) (i32.const 2))))
                (local.get $si) (local.get $dst) (i32.const 16) (local.get $kb)))
            (else (call $pack_a_rows (local.get $a) (local.get $si) (local.get $sp) (local.get $i) (local.get $iend)
              (local.get $p0) (local.get $kb) (local.get $dst))))))
      (i32.store (local.get $hdr) (call $sparsify (local.get $dst) (local.get $kb) (local.get $idx) (local.get $thr)))
      (local.set $hdr (i32.add (local.get $hdr) (i32.const 4)))
      (local.set $idx (i32.add (local.get $idx) (i32.shl (local.get $kb) (i32.const 2))))
      (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $kb) (i32.const 16))))
      (br_if $panel (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $iend)))))

  ;; one 4-row panel of A element by element (the last, partial panel)
  (func $pack_a_rows (param $a i32) (param $si i32) (param $sp i32) (param $i i32) (param $iend i32)
      (param $p0 i32) (param $kb i32) (param $dst i32)
    (local $p i32) (local $ii i32) (local $src i32) (local $row i32)
      (loop $rowl
        (local.set $row (i32.add (local.get $i) (local.get $ii)))
        (local.set $src (i32.add (local.get $a) (i32.add (i32.mul (local.get $row) (local.get $si)) (i32.mul (local.get $p0) (local.get $sp)))))
        (local.set $p (i32.const 0))
        (if (i32.lt_u (local.get $row) (local.get $iend))
          (then
            (loop $pl
              (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $p) (i32.const 4)) (local.get $ii)) (i32.const 2)))
                (f32.load (local.get $src)))
              (local.set $src (i32.add (local.get $src) (local.get $sp)))
              (br_if $pl (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kb)))))
          (else
            (loop $pz
              (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $p) (i32.const 4)) (local.get $ii)) (i32.const 2)))
                (f32.const 0))
              (br_if $pz (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kb))))))
        (br_if $rowl (i32.lt_u (local.tee $ii (i32.add (local.get $ii) (i32.const 1))) (i32.const 4)))))

  ;; 4 rows of count adjacent floats (rows sstride bytes apart) into count groups of 4 floats
  ;; (groups dstride bytes apart): dst[p*dstride + r*4] = src[r*sstride + p*4]; 4x4 blocks by shuffles.
  (func $pack4x4 (param $src i32) (param $sstride i32) (param $dst i32) (param $dstride i32) (param $count i32)
    (local $p i32) (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128)
    (local $t2 v128) (local $t3 v128) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $end4 i32)
    (local.set $s1 (local.get $sstride))
    (local.set $s2 (i32.shl (local.get $sstride) (i32.const 1)))
    (local.set $s3 (i32.add (local.get $s2) (local.get $sstride)))
    (local.set $end4 (i32.and (local.get $count) (i32.const -4)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $r0 (v128.load (local.get $src)))
        (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $s1))))
        (local.set $r2 (v128.load (i32.add (local.get $src) (local.get $s2))))
        (local.set $r3 (v128.load (i32.add (local.get $src) (local.get $s3))))
        ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
        (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstride)))
        (v128.store (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstride)))
        (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstride)))
        (v128.store (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstride)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $blocks)))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $p) (local.get $count)))
        (f32.store offset=0 (local.get $dst) (f32.load (local.get $src)))
        (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $src) (local.get $s1))))
        (f32.store offset=8 (local.get $dst) (f32.load (i32.add (local.get $src) (local.get $s2))))
        (f32.store offset=12 (local.get $dst) (f32.load (i32.add (local.get $src) (local.get $s3))))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstride)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $tail))))

  ;; dst[(jp*kb + p)*8 + jj] = B(p0 + p, jp*8 + jj), zero past column n
  (func $pack_b (param $b i32) (param $sp i32) (param $sj i32) (param $n i32) (param $p0 i32) (param $kb i32) (param $dst i32)
    (local $j i32) (local $jj i32) (local $p i32) (local $src i32) (local $col i32) (local $d i32)
    (loop $panel
      (if (i32.and (i32.eq (local.get $sj) (i32.const 4)) (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (then
          ;; a full panel of contiguous columns: two vectors per row
          (local.set $src (i32.add (local.get $b) (i32.add (i32.shl (local.get $j) (i32.const 2)) (i32.mul (local.get $p0) (local.get $sp)))))
          (local.set $d (local.get $dst))
          (local.set $p (i32.const 0))
          (loop $pl
            (v128.store offset=0 (local.get $d) (v128.load offset=0 (local.get $src)))
            (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $sp)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br_if $pl (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kb)))))
        (else (if (i32.and (i32.eq (local.get $sp) (i32.const 4)) (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
          (then
            ;; B stored transposed and a full panel: two groups of 4 columns of adjacent floats
            (local.set $src (i32.add (local.get $b) (i32.add (i32.mul (local.get $j) (local.get $sj)) (i32.shl (local.get $p0) (i32.const 2)))))
            (call $pack4x4 (local.get $src) (local.get $sj) (local.get $dst) (i32.const 32) (local.get $kb))
            (call $pack4x4 (i32.add (local.get $src) (i32.shl (local.get $sj) (i32.const 2))) (local.get $sj)
              (i32.add (local.get $dst) (i32.const 16)) (i32.const 32) (local.get $kb)))
        (else
          (local.set $jj (i32.const 0))
          (loop $coll
            (local.set $col (i32.add (local.get $j) (local.get $jj)))
            (local.set $src (i32.add (local.get $b) (i32.add (i32.mul (local.get $col) (local.get $sj)) (i32.mul (local.get $p0) (local.get $sp)))))
            (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $jj) (i32.const 2))))
            (local.set $p (i32.const 0))
            (if (i32.lt_u (local.get $col) (local.get $n))
              (then
                (loop $pl2
                  (f32.store (local.get $d) (f32.load (local.get $src)))
                  (local.set $src (i32.add (local.get $src) (local.get $sp)))
                  (local.set $d (i32.add (local.get $d) (i32.const 32)))
                  (br_if $pl2 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kb)))))
              (else
                (loop $pz
                  (f32.store (local.get $d) (f32.const 0))
                  (local.set $d (i32.add (local.get $d) (i32.const 32)))
                  (br_if $pz (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kb))))))
            (br_if $coll (i32.lt_u (local.tee $jj (i32.add (local.get $jj) (i32.const 1))) (i32.const 8))))))))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kb) (i32.const 5))))
      (br_if $panel (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n)))))

  ;; c[r*ldc + jj] (+)= tile[r*8 + jj] for the rows and columns inside the matrix
  (func $merge (param $tile i32) (param $cp i32) (param $rows i32) (param $cols i32) (param $ldc i32) (param $first i32)
    (local $r i32) (local $j i32) (local $t i32) (local $c i32)
    (loop $rl
      (local.set $t (i32.add (local.get $tile) (i32.shl (local.get $r) (i32.const 5))))
      (local.set $c (i32.add (local.get $cp) (i32.mul (local.get $r) (local.get $ldc))))
      (local.set $j (i32.const 0))
      (loop $jl
        (f32.store (local.get $c)
          (select (f32.load (local.get $t)) (f32.add (f32.load (local.get $c)) (f32.load (local.get $t))) (local.get $first)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br_if $jl (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $cols))))
      (br_if $rl (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))

  (func $min (param i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (i32.lt_u (local.get 0) (local.get 1))))
  (func $roundup (param $x i32) (param $to i32) (result i32)
    (i32.mul (i32.div_u (i32.add (local.get $x) (i32.sub (local.get $to) (i32.const 1))) (local.get $to)) (local.get $to)))

  ;; the k-block size: k split into equal blocks of at most 384 (784 -> 3 x 262, not 256+256+256+16,
  ;; whose last block would load and store all of C for 16 steps)
  (func $kblock (param $k i32) (result i32)
    (local $blocks i32)
    (local.set $blocks (i32.div_u (i32.add (local.get $k) (i32.const 383)) (i32.const 384)))
    (i32.div_u (i32.add (local.get $k) (i32.sub (local.get $blocks) (i32.const 1))) (local.get $blocks)))

  ;; bytes of workspace gemm needs for these sizes: the edge tile (128), the A panels' step counts
  ;; (128), the packed B and A panels (4 bytes per element), the A panels' step lists (1 per element)
  (func $workspace (export "workspace") (param $m i32) (param $n i32) (param $k i32) (result i32)
    (local $kc i32) (local $ma i32)
    (local.set $kc (call $kblock (local.get $k)))
    (local.set $ma (call $roundup (call $min (local.get $m) (i32.const 128)) (i32.const 4)))
    (i32.add (i32.const 256)
      (i32.add (i32.mul (local.get $kc) (local.get $ma))
        (i32.shl (i32.mul (local.get $kc) (i32.add (call $roundup (local.get $n) (i32.const 8)) (local.get $ma)))
          (i32.const 2)))))

  ;; c (m x n) = op(a) (m x k) times op(b) (k x n), row-major; op transposes when ta/tb is 1; A
  ;; panels with fewer than thr/256 of their steps non-zero take the sparse kernel (0: none)
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
      (param $ta i32) (param $tb i32) (param $ws i32) (param $thr i32)
    (local $si i32) (local $sp i32) (local $bsp i32) (local $bsj i32) (local $tile i32) (local $pb i32) (local $pa i32)
    (local $p0 i32) (local $kb i32) (local $i0 i32) (local $mb i32) (local $j i32) (local $ir i32) (local $first i32)
    (local $ldc i32) (local $cp i32) (local $ap i32) (local $bp i32) (local $rows i32) (local $cols i32) (local $kc i32)
    (local $hdr i32) (local $ix i32) (local $ip i32) (local $cnt i32)
    (local.set $kc (call $kblock (local.get $k)))
    (local.set $si (select (i32.const 4) (i32.shl (local.get $k) (i32.const 2)) (local.get $ta)))
    (local.set $sp (select (i32.shl (local.get $m) (i32.const 2)) (i32.const 4) (local.get $ta)))
    (local.set $bsp (select (i32.const 4) (i32.shl (local.get $n) (i32.const 2)) (local.get $tb)))
    (local.set $bsj (select (i32.shl (local.get $k) (i32.const 2)) (i32.const 4) (local.get $tb)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (local.set $tile (local.get $ws))
    (local.set $hdr (i32.add (local.get $ws) (i32.const 128)))
    (local.set $pb (i32.add (local.get $ws) (i32.const 256)))
    (local.set $first (i32.const 1))
    (loop $kl
      (local.set $kb (call $min (i32.sub (local.get $k) (local.get $p0)) (local.get $kc)))
      (call $pack_b (local.get $b) (local.get $bsp) (local.get $bsj) (local.get $n) (local.get $p0) (local.get $kb) (local.get $pb))
      (local.set $pa (i32.add (local.get $pb) (i32.shl (i32.mul (local.get $kb) (call $roundup (local.get $n) (i32.const 8))) (i32.const 2))))
      (local.set $ix (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $kb) (call $roundup (call $min (local.get $m) (i32.const 128)) (i32.const 4))) (i32.const 2))))
      (local.set $i0 (i32.const 0))
      (loop $il
        (local.set $mb (call $min (i32.sub (local.get $m) (local.get $i0)) (i32.const 128)))
        (call $pack_a (local.get $a) (local.get $si) (local.get $sp) (local.get $m) (local.get $i0) (local.get $mb)
          (local.get $p0) (local.get $kb) (local.get $pa) (local.get $ix) (local.get $hdr) (local.get $thr))
        (local.set $j (i32.const 0))
        (local.set $bp (local.get $pb))
        (loop $jl
          (local.set $cols (call $min (i32.sub (local.get $n) (local.get $j)) (i32.const 8)))
          (local.set $ir (i32.const 0))
          (local.set $ap (local.get $pa))
          (local.set $ip (local.get $ix))
          (loop $rl
            (local.set $rows (call $min (i32.sub (local.get $mb) (local.get $ir)) (i32.const 4)))
            (local.set $cp (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (local.get $ir)) (local.get $n)) (local.get $j)) (i32.const 2))))
            ;; the panel's step count (ir / 4 panels in, 4 bytes each): kb when it stayed dense
            (local.set $cnt (i32.load (i32.add (local.get $hdr) (local.get $ir))))
            (if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 8)))
              (then
                (if (i32.eq (local.get $cnt) (local.get $kb))
                  (then (call $kernel (local.get $ap) (local.get $bp) (local.get $cp) (local.get $kb) (local.get $ldc) (local.get $first)))
                  (else (call $kernel_sparse (local.get $ap) (local.get $ip) (local.get $bp) (local.get $cp) (local.get $cnt) (local.get $ldc) (local.get $first)))))
              (else
                (if (i32.eq (local.get $cnt) (local.get $kb))
                  (then (call $kernel (local.get $ap) (local.get $bp) (local.get $tile) (local.get $kb) (i32.const 32) (i32.const 1)))
                  (else (call $kernel_sparse (local.get $ap) (local.get $ip) (local.get $bp) (local.get $tile) (local.get $cnt) (i32.const 32) (i32.const 1))))
                (call $merge (local.get $tile) (local.get $cp) (local.get $rows) (local.get $cols) (local.get $ldc) (local.get $first))))
            (local.set $ap (i32.add (local.get $ap) (i32.mul (local.get $kb) (i32.const 16))))
            (local.set $ip (i32.add (local.get $ip) (i32.shl (local.get $kb) (i32.const 2))))
            (br_if $rl (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const 4))) (local.get $mb))))
          (local.set $bp (i32.add (local.get $bp) (i32.shl (local.get $kb) (i32.const 5))))
          (br_if $jl (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
        (br_if $il (i32.lt_u (local.tee $i0 (i32.add (local.get $i0) (i32.const 128))) (local.get $m))))
      (local.set $first (i32.const 0))
      (br_if $kl (i32.lt_u (local.tee $p0 (i32.add (local.get $p0) (local.get $kc))) (local.get $k)))))

  ;; c[i][j] = act(c[i][j] + bias[j]) over an m x n matrix: _FusedMatMul's epilogue. act 0 is linear,
  ;; 1 relu (f32x4.max keeps NaN, as tfjs' relu does).
  (func (export "bias_act") (param $c i32) (param $bias i32) (param $hasbias i32) (param $m i32) (param $n i32) (param $relu i32)
    (local $i i32) (local $j i32) (local $cp i32) (local $bp i32) (local $v v128) (local $s f32) (local $n4 i32)
    (if (i32.eqz (i32.mul (local.get $m) (local.get $n))) (then (return)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $cp (local.get $c))
    (loop $rows
      (local.set $bp (local.get $bias))
      (local.set $j (i32.const 0))
      (block $vdone
        (loop $vec
          (br_if $vdone (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $v (v128.load (local.get $cp)))
          (if (local.get $hasbias) (then (local.set $v (f32x4.add (local.get $v) (v128.load (local.get $bp))))))
          (if (local.get $relu) (then (local.set $v (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0)))))
          (v128.store (local.get $cp) (local.get $v))
          (local.set $cp (i32.add (local.get $cp) (i32.const 16)))
          (local.set $bp (i32.add (local.get $bp) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $vec)))
      (block $sdone
        (loop $scalar
          (br_if $sdone (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $s (f32.load (local.get $cp)))
          (if (local.get $hasbias) (then (local.set $s (f32.add (local.get $s) (f32.load (local.get $bp))))))
          (if (local.get $relu) (then (local.set $s (f32.max (local.get $s) (f32.const 0)))))
          (f32.store (local.get $cp) (local.get $s))
          (local.set $cp (i32.add (local.get $cp) (i32.const 4)))
          (local.set $bp (i32.add (local.get $bp) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $scalar)))
      (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m)))))
)
