-- Lua's interpreter through the C library: strings, tables, errors,
-- files, processes, time. Run natively and in a cage; the outputs match.
local function check(name, ...) print(name, ...) end

-- strings
check("upper", ("hello"):upper())
check("format", string.format("%5.2f|%-4d|%x|%q", math.pi, 42, 255, "a\nb"))
check("gsub", (("the quick brown fox"):gsub("%w+", function(w) return w:sub(1,1):upper() .. w:sub(2) end)))
check("find", table.concat({("key=value"):find("(%w+)=(%w+)")}, ","))
check("rep", ("ab"):rep(3, "-"))
check("byte/char", string.char(("A"):byte() + 1))

-- tables
local t = {}
for i = 1, 100 do t[i] = (i * 37) % 101 end
table.sort(t)
check("sorted", t[1] .. " " .. t[50] .. " " .. t[100])
local m = {}
for _, w in ipairs({"b", "a", "c", "a"}) do m[w] = (m[w] or 0) + 1 end
local keys = {}
for k in pairs(m) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do check("count " .. k, m[k]) end
check("unpack", select("#", table.unpack({1, 2, 3})))

-- errors
local ok, err = pcall(error, "boom")
check("pcall", tostring(ok) .. " " .. err)
ok, err = pcall(function() local x = nil; return x.y end)
check("pcall index", tostring(ok) .. " " .. (err:match("attempt to index.*") or err))
check("xpcall", select(2, xpcall(function() error({code = 7}) end, function(e) return e.code end)))
local depth = 0
local function deep(n) depth = n; if n == 0 then error("bottom") end; return deep(n - 1) end
ok, err = pcall(deep, 150)
check("deep error", depth .. " " .. tostring(ok))
check("nested pcall", select(2, pcall(function() return select(2, pcall(error, "inner")) .. "+outer" end)))

-- coroutines
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
check("coroutine", co(1) .. " " .. co(10))

-- files
local f = assert(io.open("lua-test.txt", "w"))
f:write("line one\n", "line two\n", 3.5, "\n")
f:close()
local lines = {}
for l in io.lines("lua-test.txt") do lines[#lines + 1] = l end
check("io.lines", table.concat(lines, "|"))
f = io.open("lua-test.txt", "r")
check("seek", f:seek("end"))
f:close()
check("open missing", select(2, io.open("no/such/file")))
check("errno", select(3, io.open("no/such/file")))
check("remove", os.remove("lua-test.txt"))
check("remove again", select(2, os.remove("lua-test.txt")))

-- processes
local p = io.popen("echo from popen; echo second")
check("popen", p:read("a"):gsub("\n", "|"))
check("popen close", table.concat({tostring(p:close())}, ","))
p = io.popen("exit 3")
p:read("a")
local ok, how, code = p:close()
check("popen status", tostring(ok), how, code)
check("execute", table.concat({tostring(os.execute("true"))}, ","))
check("execute exit", os.execute("exit 5"))
check("getenv", os.getenv("TESTVAR"))

-- time
check("time type", math.type(os.time()))
check("time table", os.time({year = 2020, month = 1, day = 1, hour = 12}) - os.time({year = 2020, month = 1, day = 1, hour = 0}))
check("date", os.date("!%Y-%m-%d %H:%M:%S", 86400 * 365))
check("clock type", type(os.clock()))
check("difftime", os.difftime(10, 4))

-- numbers
check("int div", 7 // 2, 7 % -3, 2^10, 10 / 4)
check("tostring float", tostring(1e100), tostring(-0.0), math.maxinteger, math.mininteger)
check("tonumber", tonumber("0x1p4"), tonumber("  12  "), tonumber("z", 36))
