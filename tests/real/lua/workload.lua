-- A workload for the Lua interpreter built by xisa-cc (tests/real): tables,
-- strings, closures, coroutines, floats, errors caught by pcall. Prints
-- the same on every ISA and on a plain musl build.

-- Tables: a sieve and a word count.
local function sieve(n)
  local composite, primes = {}, {}
  for i = 2, n do
    if not composite[i] then
      primes[#primes + 1] = i
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return primes
end
local primes = sieve(30000)
print("primes", #primes, primes[#primes])

local text = string.rep("the quick brown fox jumps over the lazy dog and the cat ", 200)
local counts = {}
for word in text:gmatch("%a+") do counts[word] = (counts[word] or 0) + 1 end
local words = {}
for word, n in pairs(counts) do words[#words + 1] = word .. "=" .. n end
table.sort(words)
print("words", table.concat(words, ","))

-- Strings: formatting, gsub with a function, packing.
local parts = {}
for i = 1, 300 do parts[#parts + 1] = string.format("%05d:%x", i * 37, i * i) end
local joined = table.concat(parts, ";")
local digits = joined:gsub("%d", function(d) return tostring((tonumber(d) * 7) % 10) end)
print("strings", #joined, digits:sub(1, 40), string.unpack("<i4", string.pack("<i4", -123456)))

-- Closures: counters and a memoized function.
local function counter(step)
  local n = 0
  return function() n = n + step; return n end
end
local a, b = counter(3), counter(5)
for _ = 1, 1000 do a(); b() end
local memo = {}
local function fib(n)
  if n < 2 then return n end
  if memo[n] then return memo[n] end
  local v = fib(n - 1) + fib(n - 2)
  memo[n] = v
  return v
end
print("closures", a(), b(), fib(80))

-- Coroutines: a generator of permutations.
local function permutations(list)
  return coroutine.wrap(function()
    local function permute(k)
      if k == 0 then coroutine.yield(table.concat(list)) return end
      for i = 1, k do
        list[i], list[k] = list[k], list[i]
        permute(k - 1)
        list[i], list[k] = list[k], list[i]
      end
    end
    permute(#list)
  end)
end
local count, last = 0, nil
for p in permutations({"a", "b", "c", "d", "e", "f", "g"}) do count = count + 1; last = p end
print("coroutines", count, last)

-- Floats: a numeric integration and the n-body energy of a few bodies.
local function integrate(f, lo, hi, steps)
  local h, sum = (hi - lo) / steps, 0.0
  for i = 0, steps - 1 do sum = sum + f(lo + (i + 0.5) * h) end
  return sum * h
end
print("floats", string.format("%.10f %.10f", integrate(math.sin, 0, math.pi, 20000),
  integrate(function(x) return math.exp(-x * x) end, -4, 4, 20000)))
local bodies = {}
for i = 1, 5 do
  bodies[i] = {x = i * 1.5, y = -i * 0.5, z = i * 0.25, vx = 0.01 * i, vy = 0.02, vz = -0.01 * i, m = 1 / i}
end
for _ = 1, 2000 do
  for i = 1, #bodies do
    local bi = bodies[i]
    for j = i + 1, #bodies do
      local bj = bodies[j]
      local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
      local d2 = dx * dx + dy * dy + dz * dz
      local mag = 0.001 / (d2 * math.sqrt(d2))
      bi.vx, bi.vy, bi.vz = bi.vx - dx * bj.m * mag, bi.vy - dy * bj.m * mag, bi.vz - dz * bj.m * mag
      bj.vx, bj.vy, bj.vz = bj.vx + dx * bi.m * mag, bj.vy + dy * bi.m * mag, bj.vz + dz * bi.m * mag
    end
  end
  for _, body in ipairs(bodies) do
    body.x, body.y, body.z = body.x + 0.001 * body.vx, body.y + 0.001 * body.vy, body.z + 0.001 * body.vz
  end
end
local e = 0.0
for _, body in ipairs(bodies) do e = e + 0.5 * body.m * (body.vx ^ 2 + body.vy ^ 2 + body.vz ^ 2) end
print("nbody", string.format("%.12f", e))

-- Errors: pcall and error objects through nested calls.
local caught = 0
for i = 1, 500 do
  local ok, err = pcall(function()
    if i % 3 == 0 then error({code = i}) end
    if i % 5 == 0 then error("five " .. i) end
    return i
  end)
  if not ok then caught = caught + (type(err) == "table" and err.code or 1) end
end
print("errors", caught)
