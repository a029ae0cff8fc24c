-- wrk script: realistic form posts, about 2 KB of Cyrillic and Latin text in mixed languages.
local texts = {
  "Меня постоянно дразнят в классе и пишут гадости в общем чате. ",
  "Мені сыныптастарым мазақ етеді, үзілісте итеріп жібереді. ",
  "Some boys from the 9th grade take my phone and post photos of me. ",
  "После уроков старшеклассники забирают у меня деньги и толкают. ",
}
local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
-- 96 distinct requests, built once per thread: building a 2 KB body per request would make wrk itself
-- take CPU from the server on a two-core machine.
local prepared = {}
init = function(args)
  local langs = { "kk", "ru", "en" }
  for n = 1, 96 do
    local parts = {}
    local size = 0
    local i = n
    while size < 2000 do
      local t = texts[(i % #texts) + 1]
      parts[#parts + 1] = t
      size = size + #t
      i = i + 1
    end
    local body = "lang=" .. langs[(n % 3) + 1] .. "&reporter=student-self&what=bullying&what=cyberbullying"
      .. "&where=school&when=this-week&danger=no&text=" .. encode(n .. " " .. table.concat(parts))
    prepared[n] = wrk.format("POST", "/report", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
end
local counter = 0
request = function()
  counter = counter + 1
  return prepared[(counter % #prepared) + 1]
end
local ok = 0
response = function(status)
  if status == 303 then ok = ok + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("LOAD requests=%d duration_s=%.2f errors=%d\n", summary.requests,
    summary.duration / 1e6, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
  io.write(string.format("LOAD p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
