--- Ghostline, a local-first AI coding assistant, as a `vim.lsp.Config`:
--- with this folder on 'runtimepath', `vim.lsp.enable('ghostline')` starts it. A project's own
--- `.venv/bin/ghostline` runs only after you trusted its folder (a vim.ui.select question, remembered).
local server = require('ghostline.server')

---@type vim.lsp.Config
return {
  -- The command you configured, else a project `.venv/bin/ghostline` whose folder you trusted, else PATH.
  cmd = server.lsp_cmd,
  -- The root from `root_markers`, once you were asked whether an untrusted project server may run.
  root_dir = server.lsp_root_dir,
  filetypes = {
    'python',
    'javascript',
    'javascriptreact',
    'typescript',
    'typescriptreact',
    'rust',
    'go',
    'java',
    'c',
    'cpp',
    'lua',
    'sh',
    'bash',
  },
  root_markers = {
    { 'pyproject.toml', 'setup.py', 'package.json', 'Cargo.toml', 'go.mod', 'pom.xml', '.venv' },
    '.git',
  },
  handlers = {
    -- The model error was told once already (the status notification that comes first): not twice.
    ['window/showMessage'] = function(err, result, ctx, config)
      local ok, status = pcall(require, 'ghostline.status')
      if ok and result and ctx and status.told(ctx.client_id, result.message) then
        return vim.NIL
      end
      return vim.lsp.handlers['window/showMessage'](err, result, ctx, config)
    end,
  },
  before_init = function(params)
    local ok, config = pcall(require, 'ghostline.config')
    if ok and next(config.options.settings) ~= nil then
      params.initializationOptions =
        vim.tbl_deep_extend('force', params.initializationOptions or {}, config.options.settings)
    end
  end,
}
