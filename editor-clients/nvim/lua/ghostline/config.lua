--- Ghostline's options: the defaults, and the ones `setup()` was last given.
local M = {}

---@class ghostline.Keymaps
---@field accept string|false Accept the whole suggestion (falls back to the key when none is shown).
---@field accept_word string|false Accept the next word of the suggestion (Neovim 0.11 renderer).
---@field accept_line string|false Accept the next line of the suggestion (Neovim 0.11 renderer).
---@field dismiss string|false Hide the suggestion.
---@field next_edit string|false Normal mode: apply the next edit shown and go to the one after it.
---@field next_edit_dismiss string|false Normal mode: hide the next edit.

---@class ghostline.Options
---@field enabled boolean Show ghost text while typing.
---@field debounce_ms integer Wait this long after the last keystroke before asking the server.
---@field native boolean? Use Neovim's `vim.lsp.inline_completion` (nil: when Neovim has it, 0.12+).
---@field keymaps ghostline.Keymaps Insert-mode keys; `false` leaves one unmapped.
---@field next_edits boolean After you leave Insert mode or change text, show the next edit it implies (a rename's other places).
---@field notify boolean Say with vim.notify when the model is ready or failed to load (once each).
---@field settings table Server settings (camelCase, as in `ghostline settings`), sent as initializationOptions.
---@field cmd string[]? The server command (nil: the project's `.venv/bin/ghostline` once you trust its folder, else `ghostline` on PATH).

---@type ghostline.Options
M.defaults = {
  enabled = true,
  debounce_ms = 75,
  native = nil,
  keymaps = {
    accept = '<Tab>',
    accept_word = '<C-Right>',
    accept_line = '<C-Down>',
    dismiss = '<C-]>',
    next_edit = '<Tab>',
    next_edit_dismiss = '<Esc>',
  },
  next_edits = true,
  notify = true,
  settings = {},
  cmd = nil,
}

---@type ghostline.Options
M.options = vim.deepcopy(M.defaults)

--- Replace the options with the defaults overlaid by `opts` (calling it twice gives the same result).
---@param opts ghostline.Options|table|nil
---@return ghostline.Options
function M.set(opts)
  vim.validate('opts', opts, 'table', true)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  return M.options
end

--- Whether Neovim's own inline completion is used.
---@return boolean
function M.native()
  if M.options.native ~= nil then
    return M.options.native and vim.lsp.inline_completion ~= nil
  end
  return vim.lsp.inline_completion ~= nil
end

return M
