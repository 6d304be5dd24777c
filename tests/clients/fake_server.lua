-- An in-process stand-in for `ghostline serve` (a `cmd` function for vim.lsp.start): it records what the client
-- asks, answers inline completions with `fake.items` (after `fake.delay_ms`), and lets a test send the server's
-- notifications (`fake.notify`). `dofile` it in a running Neovim; it is `_G.fake` from then on.
local fake = { sent = {}, items = {}, delay_ms = 0, stats = {}, dispatchers = nil }
_G.fake = fake

---@param dispatchers vim.lsp.rpc.Dispatchers
function fake.cmd(dispatchers)
  fake.dispatchers = dispatchers
  local closing, id = false, 0
  return {
    request = function(method, params, callback, notify_reply_callback)
      id = id + 1
      local this = id
      table.insert(fake.sent, { method = method, params = params, at = vim.uv.hrtime() / 1e6 })
      local result = vim.NIL
      if method == 'initialize' then
        result = { capabilities = { inlineCompletionProvider = true, textDocumentSync = 1 } }
      elseif method == 'textDocument/inlineCompletion' then
        result = { items = vim.deepcopy(fake.items) }
      elseif method == 'ghostline/modelInfo' then
        result = { state = 'off', message = '' }
      elseif method == 'ghostline/stats' then
        result = fake.stats
      end
      local delay = method == 'textDocument/inlineCompletion' and fake.delay_ms or 0
      vim.defer_fn(function()
        if notify_reply_callback then
          notify_reply_callback(this)
        end
        callback(nil, result)
      end, delay)
      return true, id
    end,
    notify = function(method, params)
      table.insert(fake.sent, { method = method, params = params })
      return true
    end,
    is_closing = function()
      return closing
    end,
    terminate = function()
      closing = true
    end,
  }
end

--- Start the stand-in as the `ghostline` client of the current buffer (with the plugin's own handlers).
function fake.start()
  local config = vim.tbl_extend('force', vim.lsp.config.ghostline or {}, {
    name = 'ghostline',
    cmd = fake.cmd,
    root_dir = vim.fn.getcwd(),
  })
  return vim.lsp.start(config)
end

--- A notification from the "server" (handled on the next turn of the event loop, as one read from a pipe).
function fake.notify(method, params)
  vim.schedule(function()
    fake.dispatchers.notification(method, params)
  end)
end

--- How many requests of a method the client sent.
function fake.count(method)
  local n = 0
  for _, m in ipairs(fake.sent) do
    n = n + (m.method == method and 1 or 0)
  end
  return n
end

return fake
