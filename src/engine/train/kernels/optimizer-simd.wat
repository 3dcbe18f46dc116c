;; RMSprop and Adam steps over float32 arrays, 4 lanes at a time (wasm SIMD), on the memory of
;; tfjs' wasm backend (imported): pointers are byte offsets of tensors on its heap. n is a
;; multiple of 4 (the caller does the remainder). Every op is a float32 op in the order tfjs'
;; own ops apply them, so results are bit-identical to tfjs' optimizers (see optimizer-math.ts).
;; Rebuild optimizer-simd.wasm.ts with: node src/engine/train/kernels/build-simd.mjs
(module
  (import "env" "memory" (memory 1))

  ;; ms' = ms*rho + (g*g)*(1-rho); mom' = mom*mu + (g*lr)/sqrt(ms'+eps); x' = x - mom'
  (func (export "rmsprop")
    (param $x i32) (param $g i32) (param $ms i32) (param $mom i32)
    (param $xo i32) (param $mso i32) (param $momo i32) (param $n i32)
    (param $decay f32) (param $omd f32) (param $lr f32) (param $mu f32) (param $eps f32)
    (local $i i32) (local $end i32) (local $gv v128) (local $m2 v128) (local $st v128)
    (local $vd v128) (local $vomd v128) (local $vlr v128) (local $vmu v128) (local $veps v128)
    (local.set $vd (f32x4.splat (local.get $decay)))
    (local.set $vomd (f32x4.splat (local.get $omd)))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vmu (f32x4.splat (local.get $mu)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $m2
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $ms) (local.get $i))) (local.get $vd))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $vomd))))
        (local.set $st
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $mom) (local.get $i))) (local.get $vmu))
            (f32x4.div
              (f32x4.mul (local.get $gv) (local.get $vlr))
              (f32x4.sqrt (f32x4.add (local.get $m2) (local.get $veps))))))
        (v128.store (i32.add (local.get $mso) (local.get $i)) (local.get $m2))
        (v128.store (i32.add (local.get $momo) (local.get $i)) (local.get $st))
        (v128.store (i32.add (local.get $xo) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $st)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; m' = m*b1 + g*(1-b1); v' = v*b2 + (g*g)*(1-b2);
  ;; x' = ((m'/(1-b1^t)) / (sqrt(v'/(1-b2^t)) + eps)) * (-lr) + x
  (func (export "adam")
    (param $x i32) (param $g i32) (param $m i32) (param $v i32)
    (param $xo i32) (param $mo i32) (param $vo i32) (param $n i32)
    (param $b1 f32) (param $omb1 f32) (param $b2 f32) (param $omb2 f32)
    (param $omab1 f32) (param $omab2 f32) (param $eps f32) (param $neglr f32)
    (local $i i32) (local $end i32) (local $gv v128) (local $m1 v128) (local $v1 v128)
    (local $vb1 v128) (local $vomb1 v128) (local $vb2 v128) (local $vomb2 v128)
    (local $vomab1 v128) (local $vomab2 v128) (local $veps v128) (local $vneglr v128)
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vomb1 (f32x4.splat (local.get $omb1)))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $vomb2 (f32x4.splat (local.get $omb2)))
    (local.set $vomab1 (f32x4.splat (local.get $omab1)))
    (local.set $vomab2 (f32x4.splat (local.get $omab2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vneglr (f32x4.splat (local.get $neglr)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $m1
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $vb1))
            (f32x4.mul (local.get $gv) (local.get $vomb1))))
        (local.set $v1
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $vb2))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $vomb2))))
        (v128.store (i32.add (local.get $mo) (local.get $i)) (local.get $m1))
        (v128.store (i32.add (local.get $vo) (local.get $i)) (local.get $v1))
        (v128.store (i32.add (local.get $xo) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $m1) (local.get $vomab1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $v1) (local.get $vomab2))) (local.get $veps)))
              (local.get $vneglr))
            (v128.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))
)
