-- wrk: POST one tools/call echo per request. The driver sets BODY_PREFIX / BODY_SUFFIX around a
-- request id unique per thread and request (a session refuses an id already in flight) and the
-- header lines; see bench/http/bench.py.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
    thread:set("thread_id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    wrk.method = "POST"
    for _, line in ipairs(HEADERS) do
        local name, value = line:match("^([^:]+):%s*(.*)$")
        wrk.headers[name] = value
    end
end

function request()
    counter = counter + 1
    local body = BODY_PREFIX .. '"t' .. thread_id .. '-' .. counter .. '"' .. BODY_SUFFIX
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    if status ~= 200 then
        io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n")
    end
end
