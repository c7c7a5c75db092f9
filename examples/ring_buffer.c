// SPDX-License-Identifier: MIT
// A "magic" ring buffer: one VMO mapped twice, back to back, so a record that
// runs past the end of the ring continues in the second mapping, which is the
// ring's start again. Readers and writers copy with one memcpy and never split
// a record at the wrap point.

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmar/vmar.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    vmar_status_t st_ = (call);                                                \
    if (st_ != VMAR_OK) {                                                      \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,     \
              vmar_status_string(st_));                                        \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

typedef struct ring {
  vmar_handle_t region; // the 2 * size VMAR holding both views
  vmar_handle_t vmo;    // the ring's storage
  uint8_t* base;        // first view; base + size is the second view
  size_t size;          // capacity in bytes, a multiple of the page size
  uint64_t head;        // total bytes written
  uint64_t tail;        // total bytes read
} ring_t;

// Reserves 2 * |size| bytes and maps the same VMO at offset 0 and at offset
// |size|. SPECIFIC placement needs CAN_MAP_SPECIFIC on the region; COMPACT
// keeps nothing else from being scattered around it.
static void ring_init(ring_t* r, size_t size) {
  memset(r, 0, sizeof(*r));
  r->size = size;
  vmar_vaddr_t base;
  CHECK(vmar_allocate(vmar_root_self(),
                      VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_SPECIFIC |
                          VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE,
                      0, 2 * size, &r->region, &base));
  CHECK(vmar_vmo_create(size, 0, &r->vmo));
  CHECK(vmar_vmo_set_name(r->vmo, "ring"));

  const vmar_vm_option_t rw = VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE;
  vmar_vaddr_t first, second;
  CHECK(vmar_map(r->region, rw | VMAR_VM_SPECIFIC, 0, r->vmo, 0, size, &first));
  CHECK(vmar_map(r->region, rw | VMAR_VM_SPECIFIC, size, r->vmo, 0, size,
                 &second));
  if (first != base || second != base + size) {
    fprintf(stderr, "ring: views landed at %#lx and %#lx, not back to back\n",
            (unsigned long)first, (unsigned long)second);
    exit(1);
  }
  r->base = (uint8_t*)base;
}

static void ring_destroy(ring_t* r) {
  CHECK(vmar_destroy(r->region)); // removes both views
  CHECK(vmar_handle_close(r->region));
  CHECK(vmar_handle_close(r->vmo));
}

static size_t ring_used(const ring_t* r) { return (size_t)(r->head - r->tail); }

// Where the next write goes. Any run of up to r->size bytes from here is
// contiguous, whether or not it crosses the end of the first view.
static uint8_t* ring_write_ptr(const ring_t* r) {
  return r->base + (r->head & (r->size - 1));
}

static const uint8_t* ring_read_ptr(const ring_t* r) {
  return r->base + (r->tail & (r->size - 1));
}

// A record is a 4-byte length followed by that many payload bytes.
static bool ring_push(ring_t* r, const void* data, uint32_t len) {
  if (r->size - ring_used(r) < sizeof(len) + len) {
    return false;
  }
  uint8_t* p = ring_write_ptr(r);
  memcpy(p, &len, sizeof(len));       // no split at the wrap point...
  memcpy(p + sizeof(len), data, len); // ...and none here either
  r->head += sizeof(len) + len;
  return true;
}

// Returns a pointer to the next record's payload (valid until the next pop)
// and its length, or NULL when the ring is empty.
static const uint8_t* ring_pop(ring_t* r, uint32_t* len) {
  if (ring_used(r) == 0) {
    return NULL;
  }
  const uint8_t* p = ring_read_ptr(r);
  memcpy(len, p, sizeof(*len));
  r->tail += sizeof(*len) + *len;
  return p + sizeof(*len);
}

// The payload of record |seq|: bytes that depend on the sequence number and
// the position, so a misplaced or torn record is caught.
static void fill(uint8_t* out, uint32_t len, uint32_t seq) {
  for (uint32_t i = 0; i < len; i++) {
    out[i] = (uint8_t)(seq * 131u + i * 7u);
  }
}

int main(void) {
  const size_t page = vmar_page_size();
  const size_t size = 4 * page; // a power of two whenever the page size is

  ring_t r;
  ring_init(&r, size);
  printf("ring of %zu bytes: views at %p and %p\n", size, (void*)r.base,
         (void*)(r.base + size));

  // The second view is the first one: a byte written through one is read
  // through the other.
  r.base[size + 5] = 0xAB;
  if (r.base[5] != 0xAB) {
    fprintf(stderr, "ring: the two views do not share memory\n");
    return 1;
  }
  r.base[size + 5] = 0;

  // Stream records of varying lengths through the ring; the consumer keeps
  // up a few records behind the producer.
  enum { kRecords = 20000, kMaxLen = 1500 };
  static uint8_t scratch[kMaxLen];
  uint32_t produced = 0, consumed = 0, wrapped = 0;
  uint64_t bytes = 0;
  while (consumed < kRecords) {
    while (produced < kRecords) {
      uint32_t len = 1 + (produced * 2654435761u) % kMaxLen;
      fill(scratch, len, produced);
      size_t before = (size_t)(r.head & (size - 1));
      if (!ring_push(&r, scratch, len)) {
        break; // full: let the consumer catch up
      }
      if (before + sizeof(len) + len > size) {
        wrapped++; // this record ran past the end of the first view
      }
      produced++;
    }
    uint32_t len;
    const uint8_t* payload;
    while ((payload = ring_pop(&r, &len)) != NULL) {
      uint32_t want = 1 + (consumed * 2654435761u) % kMaxLen;
      fill(scratch, want, consumed);
      if (len != want || memcmp(payload, scratch, len) != 0) {
        fprintf(stderr, "ring: record %u is corrupt\n", consumed);
        return 1;
      }
      bytes += len;
      consumed++;
    }
  }

  printf("%u records (%llu payload bytes) passed through; %u of them ran "
         "across the end of the ring and were still written and read with "
         "one memcpy each\n",
         consumed, (unsigned long long)bytes, wrapped);

  char dump[1024];
  size_t needed;
  CHECK(vmar_dump(r.region, dump, sizeof(dump), &needed));
  printf("\nthe ring's region:\n%s", dump);

  ring_destroy(&r);
  if (wrapped == 0) {
    fprintf(stderr, "ring: no record crossed the wrap point\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
