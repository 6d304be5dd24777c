--- Ghost text for Neovim 0.11: asks for `textDocument/inlineCompletion` while you type and shows
--- the answer as extmarks (inline virtual text for the first line, virtual lines for the rest).
local config = require('ghostline.config')
local server = require('ghostline.server')
local status = require('ghostline.status')
local suggestion = require('ghostline.suggestion')

local api = vim.api
local M = {}

M.ns = api.nvim_create_namespace('ghostline')
M.hl = 'GhostlineSuggestion'

local INLINE_COMPLETION = 'textDocument/inlineCompletion'
local AUTOMATIC = 2 -- InlineCompletionTriggerKind.Automatic

---@class ghostline.Ghost
---@field client_id integer
---@field text string What is left to insert at (row, col).
---@field row integer 0-based line of the cursor it belongs to.
---@field col integer Byte column of that cursor.
---@field command lsp.Command? Run once the whole suggestion is accepted.
---@field extmark integer?

---@type table<integer, ghostline.Ghost>
local ghosts = {}
---@class ghostline.Pending
---@field timer uv.uv_timer_t The debounce timer.
---@field client_id integer?
---@field request_id integer? The request in flight.
---@field asked table<integer, { row: integer, col: integer }> Where requests asked, by document version.
---@field versions integer[] Those versions, oldest first (a few are kept).

---@type table<integer, ghostline.Pending>
local pending = {}
--- Requests in flight (each counted once in the statusline's "thinking…").
---@type table<string, true>
local inflight = {}

---@param client_id integer
---@param request_id integer?
local function finished(client_id, request_id)
  local key = request_id and (client_id .. ':' .. request_id)
  if key and inflight[key] then
    inflight[key] = nil
    status.busy(-1)
  end
end

---@param bufnr integer?
---@return integer
local function resolve(bufnr)
  return (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr --[[@as integer]]
end

---@return integer row 0-based, integer col bytes
local function cursor()
  local pos = api.nvim_win_get_cursor(0)
  return pos[1] - 1, pos[2]
end

local function inserting()
  return api.nvim_get_mode().mode:sub(1, 1) == 'i'
end

--- Virtual text shows a tab as one cell: expand tabs with the buffer's 'tabstop'.
---@param line string
---@param bufnr integer
local function display(line, bufnr)
  return (line:gsub('\t', string.rep(' ', vim.bo[bufnr].tabstop)))
end

---@param bufnr integer
---@param ghost ghostline.Ghost
local function render(bufnr, ghost)
  if ghost.extmark then
    pcall(api.nvim_buf_del_extmark, bufnr, M.ns, ghost.extmark)
  end
  local lines = vim.split(ghost.text, '\n', { plain = true })
  local opts = { hl_mode = 'combine', virt_text_pos = 'inline' }
  if lines[1] ~= '' then
    opts.virt_text = { { display(lines[1], bufnr), M.hl } }
  end
  if #lines > 1 then
    opts.virt_lines = vim.tbl_map(function(line)
      return { { display(line, bufnr), M.hl } }
    end, vim.list_slice(lines, 2))
  end
  ghost.extmark = api.nvim_buf_set_extmark(bufnr, M.ns, ghost.row, ghost.col, opts)
end

--- Whether a suggestion is shown in the buffer.
---@param bufnr integer?
---@return boolean
function M.visible(bufnr)
  return ghosts[resolve(bufnr)] ~= nil
end

--- The text of the shown suggestion (nil when none is shown).
---@param bufnr integer?
---@return string?
function M.text(bufnr)
  local ghost = ghosts[resolve(bufnr)]
  return ghost and ghost.text
end

--- Hide the suggestion of a buffer.
---@param bufnr integer?
function M.clear(bufnr)
  bufnr = resolve(bufnr)
  ghosts[bufnr] = nil
  if api.nvim_buf_is_valid(bufnr) then
    api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
end

---@param bufnr integer
local function slot(bufnr)
  local p = pending[bufnr]
  if not p then
    p = { timer = assert(vim.uv.new_timer()) }
    pending[bufnr] = p
  end
  return p
end

--- Stop the debounce timer and the request in flight.
---@param bufnr integer?
function M.cancel(bufnr)
  local p = pending[resolve(bufnr)]
  if not p then
    return
  end
  p.timer:stop()
  local client = p.request_id and vim.lsp.get_client_by_id(p.client_id)
  if client and client.requests[p.request_id] then -- still pending (answered ones are gone)
    client:cancel_request(p.request_id)
  end
  if p.request_id then
    finished(p.client_id, p.request_id)
  end
  p.request_id = nil
end

---@param bufnr integer
---@param client vim.lsp.Client
---@param result lsp.InlineCompletionList|lsp.InlineCompletionItem[]|nil
---@param row integer
---@param col integer
local function show(bufnr, client, result, row, col)
  local items = result and (result.items or result) or {}
  for _, item in ipairs(items) do
    local line = api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
    local text = suggestion.insertion(item, line, client.offset_encoding, row, col)
    if text and text ~= '' then
      local ghost = { client_id = client.id, text = text, row = row, col = col, command = item.command }
      ghosts[bufnr] = ghost
      render(bufnr, ghost)
      return
    end
  end
end

--- Ask the server for a suggestion at the cursor now.
---@param bufnr integer?
function M.request(bufnr)
  bufnr = resolve(bufnr)
  if not config.options.enabled or not inserting() or api.nvim_get_current_buf() ~= bufnr then
    return
  end
  local client = server.clients(bufnr)[1]
  if not client or not client:supports_method(INLINE_COMPLETION, bufnr) then
    return
  end
  M.cancel(bufnr)
  local p = slot(bufnr)
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  params.context = { triggerKind = AUTOMATIC }
  local tick, row, col = api.nvim_buf_get_changedtick(bufnr), cursor()
  local this = {} -- this request: its id once sent, whether answered (an in-process server may answer at once)
  local ok, id = client:request(INLINE_COMPLETION, params, function(err, result)
    this.answered = true
    finished(client.id, this.id)
    if this.id and p.request_id == this.id then
      p.request_id = nil
    end
    if err or not api.nvim_buf_is_valid(bufnr) or api.nvim_get_current_buf() ~= bufnr then
      return
    end
    local now_row, now_col = cursor()
    local moved = now_row ~= row or now_col ~= col or not inserting()
    if api.nvim_buf_get_changedtick(bufnr) ~= tick or moved or ghosts[bufnr] then
      return
    end
    show(bufnr, client, result, row, col)
  end, bufnr)
  if ok and id then
    local version = vim.lsp.util.buf_versions[bufnr]
    p.asked, p.versions = p.asked or {}, p.versions or {}
    if not p.asked[version] then
      table.insert(p.versions, version)
      if #p.versions > 32 then
        p.asked[table.remove(p.versions, 1)] = nil
      end
    end
    p.asked[version] = { row = row, col = col }
    if not this.answered then
      this.id = id
      p.client_id, p.request_id = client.id, id
      inflight[client.id .. ':' .. id] = true
      status.busy(1)
    end
  end
end

--- Lines the cursor may have moved down by typing since a suggestion was asked for, and still ask again (the
--- server lets a request a little further on, newlines included, wait for the generation in flight).
M.lines_ahead = 3

--- `ghostline/suggestionReady` {uri, version, position}: a suggestion whose request ran out of time budget
--- is ready. When the cursor may still be where it belongs: on the line it was asked for, at or after that
--- place (what was typed since is matched by the server's cache), or, once the document changed, a few lines
--- further on (typed ahead), ask again and show the answer, which comes from the cache. `position` is null when
--- the document changed since the request: then where this plugin asked at that version counts.
---@param params { uri: string, version: integer?, position: lsp.Position? }
---@param client_id integer
---@return boolean asked
function M.on_ready(params, client_id)
  local bufnr = api.nvim_get_current_buf()
  if config.native() or not config.options.enabled or not inserting() or ghosts[bufnr] then
    return false
  end
  local client = vim.lsp.get_client_by_id(client_id)
  if not client or not client.attached_buffers[bufnr] or params.uri ~= vim.uri_from_bufnr(bufnr) then
    return false
  end
  local row, col = cursor()
  local current = vim.lsp.util.buf_versions[bufnr]
  local p = pending[bufnr]
  local at_row, here ---@type integer?, boolean?
  if type(params.position) == 'table' then -- in the client's position encoding
    local line = api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
    at_row = params.position.line
    here = vim.str_utfindex(line, client.offset_encoding, col, false) >= params.position.character
  else
    local asked = p and p.asked and p.asked[params.version]
    if asked then -- where this plugin asked (bytes)
      at_row, here = asked.row, col >= asked.col
    else -- no place known: the document must be as it was
      here = params.version == current
    end
  end
  local ok = here
  if at_row and row ~= at_row then
    ok = params.version ~= current and row > at_row and row - at_row <= M.lines_ahead
  end
  if ok then
    M.request(bufnr)
  end
  return ok
end

--- Ask for a suggestion once typing pauses for `debounce_ms`.
---@param bufnr integer?
function M.schedule(bufnr)
  bufnr = resolve(bufnr)
  M.cancel(bufnr)
  if not config.options.enabled then
    return
  end
  slot(bufnr).timer:start(
    config.options.debounce_ms,
    0,
    vim.schedule_wrap(function()
      if api.nvim_buf_is_valid(bufnr) then
        M.request(bufnr)
      end
    end)
  )
end

--- Keep the suggestion when what was typed since it was shown is its beginning.
---@param bufnr integer
---@param ghost ghostline.Ghost
---@return boolean kept
local function follow(bufnr, ghost)
  local row, col = cursor()
  if row < ghost.row or (row == ghost.row and col < ghost.col) then
    return false
  end
  local ok, got = pcall(api.nvim_buf_get_text, bufnr, ghost.row, ghost.col, row, col, {})
  if not ok then
    return false
  end
  local typed = table.concat(got, '\n')
  if typed == '' then
    return true
  end
  if #typed >= #ghost.text or ghost.text:sub(1, #typed) ~= typed then
    return false
  end
  ghost.text, ghost.row, ghost.col = ghost.text:sub(#typed + 1), row, col
  render(bufnr, ghost)
  return true
end

--- After a change or a cursor move in insert mode: follow the suggestion or ask for a new one.
---@param bufnr integer?
function M.on_change(bufnr)
  bufnr = resolve(bufnr)
  local ghost = ghosts[bufnr]
  if ghost and follow(bufnr, ghost) then
    return
  end
  M.clear(bufnr)
  M.schedule(bufnr)
end

--- Insert the whole suggestion, its next word or its next line. Once all of it is in, the item's
--- command runs (so the server counts the acceptance).
---@param how 'all'|'word'|'line'|nil
---@param bufnr integer?
---@return boolean accepted false when no suggestion was shown
function M.accept(how, bufnr)
  bufnr = resolve(bufnr)
  local ghost = ghosts[bufnr]
  if not ghost then
    return false
  end
  M.cancel(bufnr)
  local piece = suggestion.piece(ghost.text, how or 'all')
  local lines = vim.split(piece, '\n', { plain = true })
  api.nvim_buf_set_text(bufnr, ghost.row, ghost.col, ghost.row, ghost.col, lines)
  local row = ghost.row + #lines - 1
  local col = (#lines == 1 and ghost.col or 0) + #lines[#lines]
  api.nvim_win_set_cursor(0, { row + 1, col })
  ghost.text, ghost.row, ghost.col = ghost.text:sub(#piece + 1), row, col
  if ghost.text ~= '' then
    render(bufnr, ghost)
    return true
  end
  M.clear(bufnr)
  local client = ghost.command and vim.lsp.get_client_by_id(ghost.client_id)
  if client then
    client:exec_cmd(ghost.command, { bufnr = bufnr })
  end
  return true
end

--- Hide the suggestion; false when none was shown.
---@param bufnr integer?
---@return boolean
function M.dismiss(bufnr)
  bufnr = resolve(bufnr)
  M.cancel(bufnr)
  local shown = ghosts[bufnr] ~= nil
  M.clear(bufnr)
  return shown
end

--- Show ghost text in a buffer: autocmds in `group`, which the caller owns and clears.
---@param bufnr integer
---@param group integer
function M.attach(bufnr, group)
  api.nvim_clear_autocmds({ group = group, buffer = bufnr })
  api.nvim_create_autocmd({ 'TextChangedI', 'CursorMovedI' }, {
    group = group,
    buffer = bufnr,
    desc = 'Ghostline: follow or request ghost text',
    callback = function(ev)
      M.on_change(ev.buf)
    end,
  })
  api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group,
    buffer = bufnr,
    desc = 'Ghostline: hide ghost text',
    callback = function(ev)
      M.dismiss(ev.buf)
    end,
  })
  api.nvim_create_autocmd('BufWipeout', {
    group = group,
    buffer = bufnr,
    desc = 'Ghostline: forget the buffer',
    callback = function(ev)
      M.detach(ev.buf)
    end,
  })
end

--- Stop showing ghost text in a buffer and free its timer.
---@param bufnr integer
function M.detach(bufnr)
  M.dismiss(bufnr)
  local p = pending[bufnr]
  if p then
    p.timer:close()
    pending[bufnr] = nil
  end
end

--- Hide every suggestion (e.g. when toggled off).
function M.clear_all()
  for bufnr in pairs(ghosts) do
    M.dismiss(bufnr)
  end
end

return M
