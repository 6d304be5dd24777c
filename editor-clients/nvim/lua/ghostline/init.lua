--- Ghostline for Neovim: `require('ghostline').setup(opts)` adds ghost text, keymaps, user commands
--- and a health check to the `ghostline` language server (`vim.lsp.enable('ghostline')`).
local config = require('ghostline.config')
local server = require('ghostline.server')

local M = {}

--- Whether `setup()` ran (plugin/ghostline.lua runs it with the defaults when you did not).
M.did_setup = false

local group = vim.api.nvim_create_augroup('ghostline', { clear = false })

--- Ghost text and keys for one buffer the server attached to.
---@param bufnr integer
---@param client vim.lsp.Client
local function attach(bufnr, client)
  require('ghostline.status').refresh(client)
  require('ghostline.keymaps').attach(bufnr)
  vim.api.nvim_clear_autocmds({ group = group, buffer = bufnr })
  if config.native() then
    vim.lsp.inline_completion.enable(config.options.enabled, { bufnr = bufnr })
  else
    require('ghostline.ghost').attach(bufnr, group)
  end
  if config.options.next_edits then
    require('ghostline.nextedit').attach(bufnr, group)
  end
end

---@param bufnr integer
local function detach(bufnr)
  require('ghostline.keymaps').detach(bufnr)
  require('ghostline.nextedit').detach(bufnr)
  if not config.native() then
    require('ghostline.ghost').detach(bufnr)
  end
end

--- The ghost text's highlight: grey and italic, in a 256-colour terminal too (Comment has no cterm colour
--- by default). `default`: a colour scheme's or your own `GhostlineSuggestion` wins.
function M.highlight()
  vim.api.nvim_set_hl(0, 'GhostlineSuggestion', {
    default = true,
    fg = '#808080',
    italic = true,
    ctermfg = 244,
    cterm = { italic = true },
  })
  vim.api.nvim_set_hl(0, 'GhostlineNextEditOld', {
    default = true,
    strikethrough = true,
    cterm = { strikethrough = true },
  })
end

--- Set Ghostline up (calling it again replaces the previous options, autocmds and keys).
---@param opts ghostline.Options|table|nil
function M.setup(opts)
  config.set(opts)
  M.did_setup = true
  M.highlight()
  local status = require('ghostline.status')
  vim.lsp.handlers['ghostline/status'] = status.on_status
  vim.lsp.handlers['ghostline/suggestionReady'] = function(_, params, ctx)
    if params and ctx and ctx.client_id then
      require('ghostline.ghost').on_ready(params, ctx.client_id)
    end
  end
  group = vim.api.nvim_create_augroup('ghostline', { clear = true })
  vim.api.nvim_create_autocmd('ColorScheme', {
    group = group,
    desc = 'Ghostline: define GhostlineSuggestion again (a colour scheme clears it)',
    callback = M.highlight,
  })
  vim.api.nvim_create_autocmd('LspProgress', {
    group = group,
    desc = 'Ghostline: model loading and running actions, for the statusline',
    callback = function(ev)
      local client = ev.data and vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == server.name and ev.data.params then
        status.progress(client.id, ev.data.params)
      end
    end,
  })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    desc = 'Ghostline: ghost text and keys',
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == server.name then
        attach(ev.buf, client)
      end
    end,
  })
  vim.api.nvim_create_autocmd('LspDetach', {
    group = group,
    desc = 'Ghostline: remove ghost text and keys',
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == server.name then
        detach(ev.buf)
      end
    end,
  })
  require('ghostline.commands').create()
  for _, client in ipairs(server.clients()) do
    for bufnr in pairs(client.attached_buffers) do
      attach(bufnr, client)
    end
    if next(config.options.settings) ~= nil then
      client:notify('workspace/didChangeConfiguration', { settings = { ghostline = config.options.settings } })
    end
  end
end

--- What Ghostline does, for your 'statusline': "ghostline: ready", "ghostline: thinking…",
--- "ghostline: slow (~4 s)", "ghostline: loading 40%"; empty when no Ghostline server is attached to the
--- buffer. `User GhostlineStatus` autocmds run whenever it changes.
---@param bufnr integer?
---@return string
function M.status(bufnr)
  return require('ghostline.status').status(bufnr)
end

--- Whether a suggestion is shown in the current buffer (0.11 renderer).
---@return boolean
function M.visible()
  return require('ghostline.ghost').visible()
end

--- Accept the shown suggestion (all of it, its next word or its next line); false when none is
--- shown, so that your own mappings can fall back.
---@param how 'all'|'word'|'line'|nil
---@return boolean
function M.accept(how)
  if config.native() then
    return vim.lsp.inline_completion.get() == true
  end
  return require('ghostline.ghost').accept(how)
end

--- Hide the shown suggestion; false when none was shown.
---@return boolean
function M.dismiss()
  return require('ghostline.ghost').dismiss()
end

M.toggle = function(on)
  require('ghostline.commands').toggle(on)
end

return M
