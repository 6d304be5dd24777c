--- What the model is doing, in a few words for your statusline (`require('ghostline').status()`):
--- "ghostline: loading 40%", "ghostline: ready", "ghostline: thinking…", "ghostline: slow (~4 s)".
--- Fed by the server's `ghostline/status` notifications, its `$/progress` and the plugin's own requests.
local config = require('ghostline.config')
local server = require('ghostline.server')

local M = {}

--- A suggestion request shows "thinking…" once it has been pending this long (no flicker per keystroke).
M.thinking_delay_ms = 500
--- Requests that follow one another this closely (the next keystroke's) count as one busy stretch.
M.grace_ms = 250

---@class ghostline.ServerState
---@field state string starting, loading, ready, slow, offline, error or off
---@field message string
---@field model string
---@field percentage integer? Model loading, in percent.
---@field tasks table<string, string> Running actions ($/progress token: message).
---@field notified table<string, string> What was told with vim.notify ('ready', 'error': the text).

---@type table<integer, ghostline.ServerState>
local servers = {}
local pending = 0
local thinking = false
local show_timer ---@type uv.uv_timer_t?
local hide_timer ---@type uv.uv_timer_t?

--- Redraw the statuslines and tell listeners (`User GhostlineStatus`, e.g. to refresh lualine).
local function changed()
  vim.schedule(function()
    pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'GhostlineStatus', modeline = false })
    pcall(vim.cmd.redrawstatus)
  end)
end

---@param client_id integer
---@return ghostline.ServerState
local function entry(client_id)
  local s = servers[client_id]
  if not s then
    s = { state = 'starting', message = '', model = '', tasks = {}, notified = {} }
    servers[client_id] = s
  end
  return s
end

--- The short text for one server state (pure: also for your own statusline component).
---@param s { state: string, message: string?, percentage: integer?, task: string?, thinking: boolean?, enabled: boolean? }
---@return string
function M.format(s)
  local state, text = s.state, s.state
  local working = state == 'ready' or state == 'slow'
  if state == 'loading' then
    text = s.percentage and ('loading %d%%'):format(s.percentage) or 'loading'
  elseif working and s.task then
    text = s.task .. '…'
  elseif working and s.thinking then
    text = 'thinking…'
  elseif working and s.enabled == false then
    text = 'ready (inline off)'
  elseif state == 'slow' then
    local figure = (s.message or ''):match('take (~%s*[%d.]+%s*s)')
    text = figure and ('slow (' .. figure .. ')') or 'slow'
  end
  return 'ghostline: ' .. text
end

--- What Ghostline does for a buffer, for 'statusline' (empty when no Ghostline server is attached to it).
---@param bufnr integer?
---@return string
function M.status(bufnr)
  if not bufnr or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local client = server.clients(bufnr)[1]
  if not client then
    return ''
  end
  local s = entry(client.id)
  local task = nil
  for _, message in pairs(s.tasks) do
    task = message
  end
  return M.format({
    state = s.state,
    message = s.message,
    percentage = s.percentage,
    task = task,
    thinking = thinking,
    enabled = config.options.enabled,
  })
end

--- The state of a client (for :checkhealth and tests).
---@param client_id integer
---@return ghostline.ServerState?
function M.get(client_id)
  return servers[client_id]
end

---@param text string
---@param level integer
local function notify(text, level)
  if config.options.notify ~= false then
    vim.notify(text, level)
  end
end

--- `ghostline/status` {state, message, model}: remember it; tell the user once when the model is ready,
--- once when it fails (not on every change: "slow", "offline" and back show in the statusline only).
---@param params { state: string, message: string?, model: string? }
---@param client_id integer
function M.set(params, client_id)
  local s = entry(client_id)
  s.state = params.state or 'error'
  s.message = params.message ~= vim.NIL and params.message or ''
  if params.model and params.model ~= vim.NIL and params.model ~= '' then
    s.model = params.model
  end
  if s.state ~= 'loading' then
    s.percentage = nil
  end
  if s.state == 'ready' and not s.notified.ready then
    s.notified.ready = s.model
    local name = s.model ~= '' and s.model or 'the model'
    notify(('Ghostline: %s is ready'):format(name), vim.log.levels.INFO)
  elseif s.state == 'error' and not s.notified.error then
    s.notified.error = 'Ghostline: ' .. s.message
    notify(s.notified.error .. ' (suggestions are off; :checkhealth ghostline)', vim.log.levels.ERROR)
  end
  changed()
end

--- Whether a `window/showMessage` of the server says what was told already (the model error).
---@param client_id integer
---@param message string?
---@return boolean
function M.told(client_id, message)
  local s = servers[client_id]
  return s ~= nil and message ~= nil and s.notified.error == message
end

--- The `ghostline/status` handler (vim.lsp.handlers).
function M.on_status(_, params, ctx)
  if params and ctx and ctx.client_id then
    M.set(params, ctx.client_id)
  end
end

--- `LspProgress` of a Ghostline client: the model's loading percentage, the actions running.
---@param client_id integer
---@param params { token: string|integer, value: table }
function M.progress(client_id, params)
  local s, value = entry(client_id), params.value or {}
  local token = tostring(params.token)
  if token:find('^ghostline%-model') then
    if value.kind == 'end' then
      s.percentage = nil
    elseif type(value.percentage) == 'number' then
      s.percentage = value.percentage
    end
  elseif value.kind == 'end' then
    s.tasks[token] = nil
  elseif type(value.message) == 'string' and value.message ~= '' then
    s.tasks[token] = value.message
  end
  changed()
end

--- Ask a newly attached server for its state when none came yet (notifications before the plugin listened).
---@param client vim.lsp.Client
function M.refresh(client)
  if servers[client.id] then
    return
  end
  entry(client.id)
  client:request('ghostline/modelInfo', vim.empty_dict(), function(err, info)
    local s = servers[client.id]
    -- Before loading starts the server says 'off'; a real 'off' (--no-model) comes as a notification.
    if err or type(info) ~= 'table' or not s or s.state ~= 'starting' or info.state == 'off' then
      return
    end
    s.state, s.message = info.state, info.message ~= vim.NIL and info.message or ''
    s.model = type(info.name) == 'string' and info.name or s.model
    changed()
  end)
end

---@param timer uv.uv_timer_t?
local function stop(timer)
  if timer and not timer:is_closing() then
    timer:stop()
    timer:close()
  end
end

--- A suggestion request started (+1) or ended (-1): "thinking…" once requests have been pending for
--- `thinking_delay_ms` without a break longer than `grace_ms`.
---@param delta integer
function M.busy(delta)
  local before = pending
  pending = math.max(0, pending + delta)
  if before == 0 and pending > 0 then
    if hide_timer then
      stop(hide_timer) -- the same busy stretch goes on
      hide_timer = nil
    elseif not thinking and not show_timer then
      show_timer = vim.defer_fn(function()
        show_timer = nil
        thinking = true
        changed()
      end, M.thinking_delay_ms)
    end
  elseif before > 0 and pending == 0 then
    hide_timer = vim.defer_fn(function()
      hide_timer = nil
      stop(show_timer)
      show_timer = nil
      if thinking then
        thinking = false
        changed()
      end
    end, M.grace_ms)
  end
end

--- Whether "thinking…" is shown.
---@return boolean
function M.thinking()
  return thinking
end

return M
