--- Insert-mode keys: accept all / next word / next line, dismiss; Normal-mode keys: apply / hide the next
--- edit. Each acts only while a suggestion (next edit) is shown and otherwise does what the key does.
local config = require('ghostline.config')

local M = {}

---@type table<integer, string[]> the keys mapped per buffer, to undo them
local mapped = {}

local ACTIONS = {
  accept = { desc = 'Ghostline: accept the suggestion', call = "accept('all')" },
  accept_word = { desc = 'Ghostline: accept the next word', call = "accept('word')" },
  accept_line = { desc = 'Ghostline: accept the next line', call = "accept('line')" },
  dismiss = { desc = 'Ghostline: dismiss the suggestion', call = 'dismiss()' },
}

--- The expr-mapping function of one action with the 0.11 renderer: a `<Cmd>` that acts (buffer
--- changes are not allowed inside an expr mapping itself), or the key as typed.
---@param lhs string
---@param call string
local function renderer_key(lhs, call)
  return function()
    if require('ghostline.ghost').visible() then
      return ('<Cmd>lua require("ghostline.ghost").%s<CR>'):format(call)
    end
    return lhs
  end
end

--- With Neovim's own inline completion only accepting is offered (it has no partial accept).
---@param lhs string
local function native_accept(lhs)
  return function()
    if not vim.lsp.inline_completion.get() then
      return lhs
    end
  end
end

local NORMAL = {
  next_edit = { desc = 'Ghostline: apply the next edit', call = 'apply()' },
  next_edit_dismiss = { desc = 'Ghostline: hide the next edit', call = 'dismiss()' },
}

--- A Normal-mode key that acts on the next edit shown, or does what it normally does.
---@param lhs string
---@param call string
local function next_edit_key(lhs, call)
  return function()
    if require('ghostline.nextedit').visible() then
      return ('<Cmd>lua require("ghostline.nextedit").%s<CR>'):format(call)
    end
    return lhs
  end
end

--- Remove the keys this module mapped in a buffer.
---@param bufnr integer
function M.detach(bufnr)
  for _, key in ipairs(mapped[bufnr] or {}) do
    pcall(vim.keymap.del, key[1], key[2], { buffer = bufnr })
  end
  mapped[bufnr] = nil
end

--- Map the configured keys in a buffer (replacing the ones mapped before).
---@param bufnr integer
function M.attach(bufnr)
  M.detach(bufnr)
  local native = config.native()
  local keys = {}
  for name, action in pairs(ACTIONS) do
    local lhs = config.options.keymaps[name]
    local rhs
    if lhs and native then
      rhs = name == 'accept' and native_accept(lhs) or nil
    elseif lhs then
      rhs = renderer_key(lhs, action.call)
    end
    if rhs then
      vim.keymap.set('i', lhs, rhs, {
        buffer = bufnr,
        expr = true,
        replace_keycodes = true,
        silent = true,
        desc = action.desc,
      })
      keys[#keys + 1] = { 'i', lhs }
    end
  end
  for name, action in pairs(config.options.next_edits and NORMAL or {}) do
    local lhs = config.options.keymaps[name]
    if lhs then
      vim.keymap.set('n', lhs, next_edit_key(lhs, action.call), {
        buffer = bufnr,
        expr = true,
        replace_keycodes = true,
        silent = true,
        desc = action.desc,
      })
      keys[#keys + 1] = { 'n', lhs }
    end
  end
  mapped[bufnr] = keys
end

return M
