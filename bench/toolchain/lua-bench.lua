-- The Lua script bench/toolchain/run.py times and counts instructions on
-- (about 0.5 s on a plain x86-64 build): the interpreter's main kinds of
-- work, calls, tables, strings, floats, sorting, coroutines. Prints
-- checksums, so the plain and xisa-cc builds can be compared.

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("calls", fib(27))

local function sieve(n)
  local composite, count = {}, 0
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return count
end
print("tables", sieve(1000000))

local parts = {}
for i = 1, 40000 do parts[#parts + 1] = string.format("%05d:%x", i * 37 % 99991, i * i) end
local joined = table.concat(parts, ";")
local digits = 0
for d in joined:gmatch("%d") do digits = digits + tonumber(d) end
local words = select(2, joined:gsub("%x+", string.upper))
print("strings", #joined, digits, words)

local seed, values = 42, {}
for i = 1, 100000 do
  seed = (seed * 1103515245 + 12345) % 2147483648
  values[i] = seed
end
table.sort(values)
local ordered = 0
for i = 2, #values do if values[i - 1] <= values[i] then ordered = ordered + 1 end end
print("sort", ordered, values[1], values[#values])

local bodies = {}
for i = 1, 5 do
  bodies[i] = {x = i * 1.5, y = -i * 0.5, z = i * 0.25, vx = 0.01 * i, vy = 0.02, vz = -0.01 * i, m = 1 / i}
end
for _ = 1, 20000 do
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
print("floats", string.format("%.12f", e))

local gen = coroutine.wrap(function()
  for i = 1, 100000 do coroutine.yield(i) end
end)
local sum = 0
for _ = 1, 100000 do sum = sum + gen() end
print("coroutines", sum)
