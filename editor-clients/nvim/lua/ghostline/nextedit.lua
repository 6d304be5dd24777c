--- Next edits: when you leave Insert mode or change text in Normal mode, asks for `ghostline/nextEdit`
--- and shows the next edit where it is (the old text struck through, the new text beside it, an arrow in
--- the sign column). In Normal mode <Tab> applies it, moves there and shows the one after; <Esc> hides it.
local config = require('ghostline.config')

local api = vim.api
local M = {}

M.ns = api.nvim_create_namespace('ghostline_next_edit')
M.hl_old = 'GhostlineNextEditOld'
local REQUEST = 'ghostline/nextEdit'

---@class ghostline.NextEdit
---@field client_id integer
---@field edit { range: lsp.Range, text: string, textDocument: { uri: string, version: integer } }

---@type table<integer, ghostline.NextEdit>
local shown = {}
---@type table<integer, uv.uv_timer_t>
local timers = {}

---@param bufnr integer?
---@return integer
local function resolve(bufnr)
  return (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr --[[@as integer]]
end

--- The byte positions of an LSP range in a buffer.
---@return integer, integer, integer, integer
local function bytes(bufnr, range, encoding)
  local function at(pos)
    local line = api.nvim_buf_get_lines(bufnr, pos.line, pos.line + 1, false)[1] or ''
    return pos.line, vim.str_byteindex(line, encoding, pos.character, false)
  end
  local srow, scol = at(range.start)
  local erow, ecol = at(range['end'])
  return srow, scol, erow, ecol
end

--- Whether a next edit is shown in the buffer.
---@param bufnr integer?
function M.visible(bufnr)
  return shown[resolve(bufnr)] ~= nil
end

--- Hide the next edit of a buffer.
---@param bufnr integer?
function M.dismiss(bufnr)
  bufnr = resolve(bufnr)
  if api.nvim_buf_is_valid(bufnr) then
    api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
  shown[bufnr] = nil
end

---@param bufnr integer
---@param client vim.lsp.Client
---@param edit table
local function show(bufnr, client, edit)
  M.dismiss(bufnr)
  local srow, scol, erow, ecol = bytes(bufnr, edit.range, client.offset_encoding)
  api.nvim_buf_set_extmark(bufnr, M.ns, srow, scol, {
    end_row = erow,
    end_col = ecol,
    hl_group = M.hl_old,
    sign_text = '→',
    sign_hl_group = 'GhostlineSuggestion',
  })
  api.nvim_buf_set_extmark(bufnr, M.ns, erow, ecol, {
    virt_text = { { edit.text, 'GhostlineSuggestion' } },
    virt_text_pos = 'inline',
  })
  shown[bufnr] = { client_id = client.id, edit = edit }
end

--- Ask the server for the next edit at the cursor and show the first one (nothing while in Insert mode).
---@param bufnr integer?
function M.request(bufnr)
  bufnr = resolve(bufnr)
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'ghostline' })[1]
  if not client or bufnr ~= api.nvim_get_current_buf() then
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  client:request(REQUEST, params, function(err, result)
    local insert = api.nvim_get_mode().mode:sub(1, 1) == 'i'
    if err or insert or not api.nvim_buf_is_valid(bufnr) then
      return
    end
    local uri, edit = vim.uri_from_bufnr(bufnr), nil
    for _, e in ipairs(result and result.edits or {}) do
      if e.textDocument and e.textDocument.uri == uri then
        edit = e -- this buffer's first (the others are other open files')
        break
      end
    end
    local current = vim.lsp.util.buf_versions[bufnr]
    if edit and edit.textDocument and edit.textDocument.version == current then
      show(bufnr, client, edit)
    else
      M.dismiss(bufnr)
    end
  end, bufnr)
end

--- Ask after the debounce (a newer change restarts it).
---@param bufnr integer
function M.schedule(bufnr)
  local timer = timers[bufnr]
  if not timer then
    timer = assert(vim.uv.new_timer())
    timers[bufnr] = timer
  end
  timer:stop()
  timer:start(config.options.debounce_ms, 0, vim.schedule_wrap(function()
    M.request(bufnr)
  end))
end

--- Apply the next edit shown, move the cursor to it, and ask for the one after.
---@param bufnr integer?
---@return boolean applied
function M.apply(bufnr)
  bufnr = resolve(bufnr)
  local s = shown[bufnr]
  local client = s and vim.lsp.get_client_by_id(s.client_id)
  M.dismiss(bufnr)
  if not s or not client or s.edit.textDocument.version ~= vim.lsp.util.buf_versions[bufnr] then
    return false
  end
  local edit = s.edit
  vim.lsp.util.apply_text_edits({ { range = edit.range, newText = edit.text } }, bufnr, client.offset_encoding)
  local row, col = bytes(bufnr, edit.range, client.offset_encoding)
  api.nvim_win_set_cursor(0, { row + 1, col })
  M.schedule(bufnr)
  return true
end

--- Follow a buffer: ask after Insert mode ends or text changes in Normal mode.
---@param bufnr integer
---@param group integer
function M.attach(bufnr, group)
  api.nvim_create_autocmd({ 'InsertLeave', 'TextChanged' }, {
    group = group,
    buffer = bufnr,
    desc = 'Ghostline: ask for the next edit',
    callback = function(ev)
      M.schedule(ev.buf)
    end,
  })
  api.nvim_create_autocmd('InsertEnter', {
    group = group,
    buffer = bufnr,
    desc = 'Ghostline: hide the next edit while typing',
    callback = function(ev)
      M.dismiss(ev.buf)
    end,
  })
end

--- Stop following a buffer.
---@param bufnr integer
function M.detach(bufnr)
  M.dismiss(bufnr)
  local timer = timers[bufnr]
  if timer then
    timer:stop()
    timer:close()
    timers[bufnr] = nil
  end
end

return M
