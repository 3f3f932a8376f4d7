// Structs passed and returned by value: small ones that travel in registers,
// mixed int/float ones, and large ones that go through memory.
#include <stdio.h>
#include <string.h>

struct pair { int a, b; };
struct vec3 { double x, y, z; };
struct mixed { char tag; float f; long n; };
struct big { long words[32]; char name[24]; };
struct nested { struct pair p; struct vec3 v; short s; };

static struct pair swap(struct pair p) { return (struct pair){p.b, p.a}; }

static struct vec3 cross(struct vec3 u, struct vec3 v) {
  return (struct vec3){u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x};
}

static struct mixed bump(struct mixed m) {
  m.tag++;
  m.f *= 2.5f;
  m.n -= 7;
  return m;
}

static struct big make_big(const char *name, long seed) {
  struct big b;
  for (int i = 0; i < 32; i++)
    b.words[i] = seed * (i + 1) - i * i;
  snprintf(b.name, sizeof b.name, "%s-%ld", name, seed);
  return b;
}

static long sum_big(struct big b) {
  long s = 0;
  for (int i = 0; i < 32; i++)
    s += b.words[i];
  b.words[0] = 0; // the callee owns its copy: the caller's must not change
  return s;
}

static struct nested combine(struct nested a, struct nested b) {
  struct nested r;
  r.p = (struct pair){a.p.a + b.p.a, a.p.b * b.p.b};
  r.v = cross(a.v, b.v);
  r.s = (short)(a.s - b.s);
  return r;
}

int main(void) {
  struct pair p = swap((struct pair){3, 9});
  printf("swap: %d %d\n", p.a, p.b);
  struct vec3 c = cross((struct vec3){1, 2, 3}, (struct vec3){4, 5, 6});
  printf("cross: %.3f %.3f %.3f\n", c.x, c.y, c.z);
  struct mixed m = bump(bump((struct mixed){'a', 1.5f, 100}));
  printf("mixed: %c %.3f %ld\n", m.tag, m.f, m.n);
  struct big b = make_big("blob", 17);
  long s1 = sum_big(b), s2 = sum_big(b);
  printf("big: %s sum=%ld first=%ld same=%d\n", b.name, s1, b.words[0], s1 == s2);
  struct big copies[4];
  for (int i = 0; i < 4; i++)
    copies[i] = make_big("copy", i);
  long total = 0;
  for (int i = 0; i < 4; i++)
    total += sum_big(copies[i]);
  printf("copies: %s %ld\n", copies[3].name, total);
  struct nested n = combine((struct nested){{1, 2}, {1, 0, 0}, 10},
                            (struct nested){{3, 4}, {0, 1, 0}, 4});
  printf("nested: %d %d %.1f %.1f %.1f %d\n", n.p.a, n.p.b, n.v.x, n.v.y, n.v.z, n.s);
  if (p.a != 9 || c.x != -3 || m.n != 86 || s1 != s2 || n.v.z != 1.0 || strcmp(b.name, "blob-17"))
    return 1;
  return 0;
}
