--- Ghostline, a local-first AI coding assistant, as a `vim.lsp.Config`:
--- with this folder on 'runtimepath', `vim.lsp.enable('ghostline')` starts it.
local server = require('ghostline.server')

---@type vim.lsp.Config
return {
  cmd = function(dispatchers, config)
    local root = config.root_dir or vim.fn.getcwd()
    local cmd, why = server.command(root)
    if not cmd then
      error(why, 0)
    end
    return vim.lsp.rpc.start(cmd, dispatchers, {
      cwd = config.cmd_cwd or config.root_dir,
      env = config.cmd_env,
      detached = config.detached,
    })
  end,
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
  before_init = function(params)
    local ok, config = pcall(require, 'ghostline.config')
    if ok and next(config.options.settings) ~= nil then
      params.initializationOptions =
        vim.tbl_deep_extend('force', params.initializationOptions or {}, config.options.settings)
    end
  end,
}
