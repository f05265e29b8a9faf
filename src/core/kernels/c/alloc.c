/*
 * malloc/free for the kernels' memory: first fit over an address-ordered free list, blocks
 * coalesced on free, 16-byte aligned, memory grown by whole pages when no block fits. The
 * TypeScript side allocates a state or buffer when an accumulator is created and frees it when
 * the accumulator is done, so the list stays short.
 */
#include "kernels.h"

typedef struct Block {
  size_t size; /* bytes including this header; multiple of 16 */
  struct Block *next; /* next free block (free blocks only) */
} Block;

#define HEADER 16
#define PAGE 65536

extern unsigned char __heap_base;
static Block *free_list = 0;
static uintptr_t heap_end = 0;
/* Everything at or above this address is still as the memory grew, zero: no block handed out
   reached it, and no header was written there. */
static uintptr_t dirty_end = 0;

static inline void dirtied(uintptr_t end) {
  if (end > dirty_end) dirty_end = end;
}

static void add_free(Block *b) {
  Block **at = &free_list;
  while (*at && *at < b) at = &(*at)->next;
  b->next = *at;
  *at = b;
  /* Coalesce with the following block, then with the preceding one. */
  if (b->next && (uintptr_t)b + b->size == (uintptr_t)b->next) {
    b->size += b->next->size;
    b->next = b->next->next;
  }
  if (at != &free_list) {
    Block *prev = (Block *)((uintptr_t)at - offsetof(Block, next));
    if ((uintptr_t)prev + prev->size == (uintptr_t)b) {
      prev->size += b->size;
      prev->next = b->next;
    }
  }
}

static int grow(size_t bytes) {
  if (heap_end == 0) heap_end = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15;
  uintptr_t limit = __builtin_wasm_memory_size(0) * PAGE;
  if (heap_end + bytes > limit) {
    size_t pages = (heap_end + bytes - limit + PAGE - 1) / PAGE;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
    limit += pages * PAGE;
  }
  Block *b = (Block *)heap_end;
  b->size = limit - heap_end;
  dirtied(heap_end + HEADER);
  heap_end = limit;
  add_free(b);
  return 1;
}

EXPORT(malloc) void *apl_malloc(size_t bytes) {
  if (bytes > 0x7fff0000u) return 0; /* no block that large fits below 2 GiB */
  size_t need = (bytes + HEADER + 15) & ~(size_t)15;
  for (int attempt = 0; attempt < 2; attempt++) {
    for (Block **at = &free_list; *at; at = &(*at)->next) {
      Block *b = *at;
      if (b->size < need) continue;
      if (b->size - need >= 64) {
        Block *rest = (Block *)((uintptr_t)b + need);
        rest->size = b->size - need;
        rest->next = b->next;
        *at = rest;
        b->size = need;
        dirtied((uintptr_t)rest + HEADER);
      } else {
        *at = b->next;
      }
      dirtied((uintptr_t)b + b->size);
      return (void *)((uintptr_t)b + HEADER);
    }
    if (!grow(need)) return 0;
  }
  return 0;
}

/*
 * Zeroed memory: a block reused from the free list holds what was last stored there, and is
 * cleared up to where memory was ever written (memory that has only grown is zero already, and
 * clearing it would touch pages that are slow to touch for the first time on a VM).
 */
EXPORT(calloc) void *apl_calloc(size_t bytes) {
  const uintptr_t dirty = dirty_end;
  unsigned char *p = apl_malloc(bytes);
  if (p && (uintptr_t)p < dirty) __builtin_memset(p, 0, (uintptr_t)p + bytes < dirty ? bytes : dirty - (uintptr_t)p);
  return p;
}

/*
 * Touch the pages of free memory, up to `budget` bytes of it, lowest addresses first (first fit
 * hands those out first): an atomic ADD of 0 into one word per 4 KiB page changes no value, and
 * is a single write to the page (a plain read and write of an untouched page would fault twice
 * where a read maps the zero page; volatile, so the compiler cannot make the ADD of 0 a load).
 * ADD, not OR: V8 compiles a wasm atomic OR on x64 to a load and a compare-and-swap loop, whose
 * load faults first (2 faults per page on a kernel that maps the zero page on a read, as this
 * VM's 6.18 does), while an ADD is one locked instruction (1 fault per page, measured). The
 * first touch of a page costs ~10 µs on this VM; a thread that waits for another can pay it then,
 * not in the allocations after the wait. Pages touched before cost a few nanoseconds. Returns the
 * bytes of free memory visited.
 */
__attribute__((target("atomics"))) EXPORT(heap_prefault) size_t apl_heap_prefault(size_t budget) {
  size_t done = 0;
  for (Block *b = free_list; b && done < budget; b = b->next) {
    uintptr_t from = ((uintptr_t)b + HEADER + 4095) & ~(uintptr_t)4095;
    const uintptr_t to = (uintptr_t)b + b->size;
    for (uintptr_t p = from; p < to && done < budget; p += 4096, done += 4096) __atomic_fetch_add((volatile uint32_t *)p, 0u, __ATOMIC_RELAXED);
  }
  return done;
}

EXPORT(free) void apl_free(void *ptr) {
  if (!ptr) return;
  add_free((Block *)((uintptr_t)ptr - HEADER));
}

/* clang may lower loops and struct copies to these. */
void *memcpy(void *dst, const void *src, size_t n) {
  __builtin_memcpy(dst, src, n);
  return dst;
}
void *memset(void *dst, int c, size_t n) {
  __builtin_memset(dst, c, n);
  return dst;
}
void *memmove(void *dst, const void *src, size_t n) {
  __builtin_memmove(dst, src, n);
  return dst;
}
