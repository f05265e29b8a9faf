/*
 * BLAKE3 (the hash b3sum prints), for the content hash (src/core/hash.ts), computed piece by
 * piece so several threads or workers can each hash their own part of a file: a 1 MiB piece is
 * 2^10 chunks of 1 KiB, a complete subtree of BLAKE3's left-balanced tree, so every piece but the
 * last reduces to one chaining value (b3_piece_cv); the last piece, which holds the final chunk,
 * to its stack of subtree values and the final chunk's output node (b3_last_piece); b3_finish
 * merges them as the reference implementation merges its chunk stack, and the root output is
 * exactly b3sum's. Chunks are compressed four at a time in the lanes of i32x4 vectors, and so
 * are the lower parent nodes of each 16-chunk subtree.
 * Specification: the BLAKE3 paper and specification (BLAKE3-team/BLAKE3-specs; the reference implementation's
 * structure is followed: G, round, compress, chunk state, parent nodes, CV stack).
 */
#include "kernels.h"

#define CHUNK_LEN 1024
#define BLOCK_LEN 64
#define CHUNK_START 1u
#define CHUNK_END 2u
#define PARENT 4u
#define ROOT 8u
#define PIECE_CHUNKS 1024 /* 1 MiB */

static const uint32_t IV[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};
static const uint8_t PERM[16] = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
/* PERM applied r times: the message word each round reads (so no words are moved between rounds). */
#define SCHEDULE                                                  \
  {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},        \
   {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8},        \
   {3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1},        \
   {10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6},        \
   {12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4},        \
   {9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7},        \
   {11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13}}

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline void g(uint32_t *s, int a, int b, int c, int d, uint32_t mx, uint32_t my) {
  s[a] = s[a] + s[b] + mx;
  s[d] = rotr(s[d] ^ s[a], 16);
  s[c] = s[c] + s[d];
  s[b] = rotr(s[b] ^ s[c], 12);
  s[a] = s[a] + s[b] + my;
  s[d] = rotr(s[d] ^ s[a], 8);
  s[c] = s[c] + s[d];
  s[b] = rotr(s[b] ^ s[c], 7);
}

__attribute__((noinline)) static void compress(const uint32_t cv[8], const uint32_t block[16], uint64_t counter, uint32_t block_len, uint32_t flags, uint32_t out[16]) {
  uint32_t s[16] = {cv[0], cv[1], cv[2], cv[3], cv[4], cv[5], cv[6], cv[7], IV[0], IV[1], IV[2], IV[3], (uint32_t)counter, (uint32_t)(counter >> 32), block_len, flags};
  uint32_t m[16], t[16];
  for (int i = 0; i < 16; i++) m[i] = block[i];
  for (int r = 0; r < 7; r++) {
    g(s, 0, 4, 8, 12, m[0], m[1]);
    g(s, 1, 5, 9, 13, m[2], m[3]);
    g(s, 2, 6, 10, 14, m[4], m[5]);
    g(s, 3, 7, 11, 15, m[6], m[7]);
    g(s, 0, 5, 10, 15, m[8], m[9]);
    g(s, 1, 6, 11, 12, m[10], m[11]);
    g(s, 2, 7, 8, 13, m[12], m[13]);
    g(s, 3, 4, 9, 14, m[14], m[15]);
    for (int i = 0; i < 16; i++) t[i] = m[PERM[i]];
    for (int i = 0; i < 16; i++) m[i] = t[i];
  }
  for (int i = 0; i < 8; i++) {
    out[i] = s[i] ^ s[i + 8];
    out[i + 8] = s[i + 8] ^ cv[i];
  }
}

static inline uint32_t load32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* A node whose compression is still to be done (so the caller can make it the root). */
typedef struct Output {
  uint32_t cv[8];
  uint32_t block[16];
  uint32_t counter_lo, counter_hi, block_len, flags;
} Output;

static void output_cv(const Output *o, uint32_t cv[8]) {
  uint32_t out[16];
  compress(o->cv, o->block, (uint64_t)o->counter_hi << 32 | o->counter_lo, o->block_len, o->flags, out);
  for (int i = 0; i < 8; i++) cv[i] = out[i];
}

/* One chunk (0..1024 bytes; 0 only for an empty input) with chunk counter `counter`. */
static void chunk_output(const uint8_t *p, int len, uint64_t counter, Output *o) {
  uint32_t cv[8], block[16], out[16];
  for (int i = 0; i < 8; i++) cv[i] = IV[i];
  int blocks = len == 0 ? 1 : (len + BLOCK_LEN - 1) / BLOCK_LEN;
  for (int b = 0; b < blocks - 1; b++) {
    for (int i = 0; i < 16; i++) block[i] = load32(p + b * BLOCK_LEN + 4 * i);
    compress(cv, block, counter, BLOCK_LEN, b == 0 ? CHUNK_START : 0, out);
    for (int i = 0; i < 8; i++) cv[i] = out[i];
  }
  const int last = (blocks - 1) * BLOCK_LEN;
  uint8_t tail[BLOCK_LEN];
  for (int i = 0; i < BLOCK_LEN; i++) tail[i] = last + i < len ? p[last + i] : 0;
  for (int i = 0; i < 8; i++) o->cv[i] = cv[i];
  for (int i = 0; i < 16; i++) o->block[i] = load32(tail + 4 * i);
  o->counter_lo = (uint32_t)counter;
  o->counter_hi = (uint32_t)(counter >> 32);
  o->block_len = len - last;
  o->flags = (blocks == 1 ? CHUNK_START : 0) | CHUNK_END;
}

static void parent_output(const uint32_t left[8], const uint32_t right[8], Output *o) {
  for (int i = 0; i < 8; i++) {
    o->cv[i] = IV[i];
    o->block[i] = left[i];
    o->block[i + 8] = right[i];
  }
  o->counter_lo = o->counter_hi = 0;
  o->block_len = BLOCK_LEN;
  o->flags = PARENT;
}

static void parent_cv(const uint32_t left[8], const uint32_t right[8], uint32_t cv[8]) {
  Output o;
  parent_output(left, right, &o);
  output_cv(&o, cv);
}

/* ---- four full chunks at once, one per lane ---- */

#define V(x) wasm_i32x4_splat(x)
static inline v128_t rot16(v128_t x) { return wasm_i8x16_shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13); }
/* By shifts, not a byte shuffle: V8 builds a shuffle's 16-byte mask from two 64-bit immediates
   at every use (five instructions with the pshufb; these are three). rot16's pattern keeps whole
   16-bit halves, which V8 does as two (pshuflw, pshufhw). */
static inline v128_t rot8(v128_t x) { return wasm_v128_or(wasm_u32x4_shr(x, 8), wasm_i32x4_shl(x, 24)); }
static inline v128_t rot12(v128_t x) { return wasm_v128_or(wasm_u32x4_shr(x, 12), wasm_i32x4_shl(x, 20)); }
static inline v128_t rot7(v128_t x) { return wasm_v128_or(wasm_u32x4_shr(x, 7), wasm_i32x4_shl(x, 25)); }
#define ADD wasm_i32x4_add
#define XOR wasm_v128_xor

static inline void g4(v128_t *s, int a, int b, int c, int d, v128_t mx, v128_t my) {
  s[a] = ADD(ADD(s[a], s[b]), mx);
  s[d] = rot16(XOR(s[d], s[a]));
  s[c] = ADD(s[c], s[d]);
  s[b] = rot12(XOR(s[b], s[c]));
  s[a] = ADD(ADD(s[a], s[b]), my);
  s[d] = rot8(XOR(s[d], s[a]));
  s[c] = ADD(s[c], s[d]);
  s[b] = rot7(XOR(s[b], s[c]));
}

/* Message words of four blocks (block i at p + i·stride), transposed: m[w] lane i = word w of block i. */
static inline void load4(const uint8_t *p, size_t stride, v128_t m[16]) {
  for (int w = 0; w < 16; w += 4) {
    v128_t r0 = wasm_v128_load(p + 0 * stride + 4 * w);
    v128_t r1 = wasm_v128_load(p + 1 * stride + 4 * w);
    v128_t r2 = wasm_v128_load(p + 2 * stride + 4 * w);
    v128_t r3 = wasm_v128_load(p + 3 * stride + 4 * w);
    v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
    v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
    m[w] = wasm_i64x2_shuffle(t0, t2, 0, 2);
    m[w + 1] = wasm_i64x2_shuffle(t0, t2, 1, 3);
    m[w + 2] = wasm_i64x2_shuffle(t1, t3, 0, 2);
    m[w + 3] = wasm_i64x2_shuffle(t1, t3, 1, 3);
  }
}

/* Four compressions at once, one per lane; h becomes the four chaining values. */
__attribute__((noinline)) static void compress4(v128_t h[8], const v128_t m[16], v128_t lo, v128_t hi, uint32_t block_len, uint32_t flags) {
  v128_t s[16] = {h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], V(IV[0]), V(IV[1]), V(IV[2]), V(IV[3]), lo, hi, V(block_len), V(flags)};
  static const uint8_t S[7][16] = SCHEDULE;
#pragma clang loop unroll(full)
  for (int r = 0; r < 7; r++) {
    g4(s, 0, 4, 8, 12, m[S[r][0]], m[S[r][1]]);
    g4(s, 1, 5, 9, 13, m[S[r][2]], m[S[r][3]]);
    g4(s, 2, 6, 10, 14, m[S[r][4]], m[S[r][5]]);
    g4(s, 3, 7, 11, 15, m[S[r][6]], m[S[r][7]]);
    g4(s, 0, 5, 10, 15, m[S[r][8]], m[S[r][9]]);
    g4(s, 1, 6, 11, 12, m[S[r][10]], m[S[r][11]]);
    g4(s, 2, 7, 8, 13, m[S[r][12]], m[S[r][13]]);
    g4(s, 3, 4, 9, 14, m[S[r][14]], m[S[r][15]]);
  }
  for (int i = 0; i < 8; i++) h[i] = XOR(s[i], s[i + 8]);
}

static inline void store4(const v128_t h[8], uint32_t cvs[4][8]) {
  for (int i = 0; i < 8; i++) {
    cvs[0][i] = wasm_i32x4_extract_lane(h[i], 0);
    cvs[1][i] = wasm_i32x4_extract_lane(h[i], 1);
    cvs[2][i] = wasm_i32x4_extract_lane(h[i], 2);
    cvs[3][i] = wasm_i32x4_extract_lane(h[i], 3);
  }
}

/* The chaining values of chunks counter..counter+3 (each exactly 1 KiB at p + 1024·lane). */
__attribute__((noinline)) static void four_chunk_cvs(const uint8_t *p, uint64_t counter, uint32_t cvs[4][8]) {
  v128_t h[8];
  for (int i = 0; i < 8; i++) h[i] = V(IV[i]);
  const v128_t lo = wasm_i32x4_make((uint32_t)counter, (uint32_t)(counter + 1), (uint32_t)(counter + 2), (uint32_t)(counter + 3));
  const v128_t hi = wasm_i32x4_make((uint32_t)(counter >> 32), (uint32_t)((counter + 1) >> 32), (uint32_t)((counter + 2) >> 32), (uint32_t)((counter + 3) >> 32));
  for (int b = 0; b < CHUNK_LEN / BLOCK_LEN; b++) {
    v128_t m[16];
    load4(p + b * BLOCK_LEN, CHUNK_LEN, m);
    compress4(h, m, lo, hi, BLOCK_LEN, (b == 0 ? CHUNK_START : 0) | (b == CHUNK_LEN / BLOCK_LEN - 1 ? CHUNK_END : 0));
  }
  store4(h, cvs);
}

/* Four parent nodes at once: children[2i], children[2i + 1] (8 words each, contiguous) → parents[i]. */
__attribute__((noinline)) static void four_parent_cvs(const uint32_t children[8][8], uint32_t parents[4][8]) {
  v128_t h[8], m[16];
  for (int i = 0; i < 8; i++) h[i] = V(IV[i]);
  load4((const uint8_t *)children, BLOCK_LEN, m);
  compress4(h, m, V(0), V(0), BLOCK_LEN, PARENT);
  store4(h, parents);
}

/* The chaining value of the complete subtree of 16 chunks from chunk `counter` on (at p). */
__attribute__((noinline)) static void sixteen_chunk_cv(const uint8_t *p, uint64_t counter, uint32_t cv[8]) {
  uint32_t chunks[16][8], level1[8][8], level2[4][8], level3[2][8];
  for (int q = 0; q < 4; q++) four_chunk_cvs(p + 4 * q * CHUNK_LEN, counter + 4 * q, &chunks[4 * q]);
  four_parent_cvs((const uint32_t(*)[8])&chunks[0], &level1[0]);
  four_parent_cvs((const uint32_t(*)[8])&chunks[8], &level1[4]);
  four_parent_cvs((const uint32_t(*)[8])level1, level2);
  parent_cv(level2[0], level2[1], level3[0]);
  parent_cv(level2[2], level2[3], level3[1]);
  parent_cv(level3[0], level3[1], cv);
}

/* The CV stack of the reference implementation: chunk CVs merged as soon as a subtree is complete. */
typedef struct Stack {
  uint32_t cv[54][8];
  int len;
} Stack;

static void push_cv(Stack *st, const uint32_t cv[8], uint64_t total) {
  uint32_t cur[8];
  for (int i = 0; i < 8; i++) cur[i] = cv[i];
  while ((total & 1) == 0) {
    st->len--;
    parent_cv(st->cv[st->len], cur, cur);
    total >>= 1;
  }
  for (int i = 0; i < 8; i++) st->cv[st->len][i] = cur[i];
  st->len++;
}

/*
 * Chunks of p[0, len) from chunk `first` on into the stack, all but the final one (kept open in
 * *last when `keep_last`, as the reference keeps its last chunk until the input ends).
 */
static void hash_chunks(const uint8_t *p, size_t len, uint64_t first, Stack *st, int keep_last, Output *last) {
  const size_t chunks = len == 0 ? 1 : (len + CHUNK_LEN - 1) / CHUNK_LEN;
  const size_t closed = keep_last ? chunks - 1 : chunks;
  size_t c = 0;
  uint32_t cvs[4][8];
  /* Whole 16-chunk subtrees first (their parents four at a time too), pushed as one node each:
     the stack then holds what the reference's would after c chunks (c a multiple of 16). */
  for (; c + 16 <= closed; c += 16) {
    uint32_t cv[8];
    sixteen_chunk_cv(p + c * CHUNK_LEN, first + c, cv);
    push_cv(st, cv, (c + 16) / 16);
  }
  for (; c + 4 <= closed; c += 4) {
    four_chunk_cvs(p + c * CHUNK_LEN, first + c, cvs);
    for (int k = 0; k < 4; k++) push_cv(st, cvs[k], c + k + 1);
  }
  for (; c < closed; c++) {
    Output o;
    chunk_output(p + c * CHUNK_LEN, CHUNK_LEN, first + c, &o);
    uint32_t cv[8];
    output_cv(&o, cv);
    push_cv(st, cv, c + 1);
  }
  if (keep_last) {
    const size_t at = (chunks - 1) * CHUNK_LEN;
    chunk_output(p + at, (int)(len - at), first + chunks - 1, last);
  }
}

/* A piece that is not the file's last (exactly 1 MiB): its subtree's chaining value. */
EXPORT(b3_piece_cv) void b3_piece_cv(const uint8_t *p, double piece_index, uint32_t *cv) {
  Stack st;
  st.len = 0;
  hash_chunks(p, (size_t)PIECE_CHUNKS * CHUNK_LEN, (uint64_t)piece_index * PIECE_CHUNKS, &st, 0, 0);
  for (int i = 0; i < 8; i++) cv[i] = st.cv[0][i];
}

/*
 * The file's last piece (0..1 MiB; 0 only for an empty file): written to `out` as its stack
 * length n, n chaining values (8 words each), then the open final chunk's Output (28 words).
 */
EXPORT(b3_last_piece) void b3_last_piece(const uint8_t *p, double len, double piece_index, uint32_t *out) {
  Stack st;
  st.len = 0;
  Output last;
  hash_chunks(p, (size_t)len, (uint64_t)piece_index * PIECE_CHUNKS, &st, 1, &last);
  out[0] = st.len;
  for (int k = 0; k < st.len; k++)
    for (int i = 0; i < 8; i++) out[1 + 8 * k + i] = st.cv[k][i];
  __builtin_memcpy(out + 1 + 8 * st.len, &last, sizeof(Output));
}

/*
 * The root: `cvs` holds the chaining values of pieces 0..count−1 (all but the last), `last` what
 * b3_last_piece wrote; the 32-byte hash goes to `hash`.
 */
EXPORT(b3_finish) void b3_finish(const uint32_t *cvs, int count, const uint32_t *last, uint8_t *hash) {
  Stack st;
  st.len = 0;
  for (int k = 0; k < count; k++) push_cv(&st, cvs + 8 * k, (uint64_t)k + 1);
  const int n = (int)last[0];
  for (int k = 0; k < n; k++)
    for (int i = 0; i < 8; i++) st.cv[st.len + k][i] = last[1 + 8 * k + i];
  st.len += n;
  Output o;
  __builtin_memcpy(&o, last + 1 + 8 * n, sizeof(Output));
  while (st.len > 0) {
    uint32_t cv[8];
    output_cv(&o, cv);
    st.len--;
    parent_output(st.cv[st.len], cv, &o);
  }
  uint32_t out[16];
  compress(o.cv, o.block, (uint64_t)o.counter_hi << 32 | o.counter_lo, o.block_len, o.flags | ROOT, out);
  for (int i = 0; i < 8; i++) {
    hash[4 * i] = (uint8_t)out[i];
    hash[4 * i + 1] = (uint8_t)(out[i] >> 8);
    hash[4 * i + 2] = (uint8_t)(out[i] >> 16);
    hash[4 * i + 3] = (uint8_t)(out[i] >> 24);
  }
}
