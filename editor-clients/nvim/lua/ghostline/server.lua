--- Finding the `ghostline` server: the command you configured, else a project `.venv` you trusted, else
--- PATH; and the running clients.
---
--- A project's `.venv/bin/ghostline` is code from that project: it runs only once you trusted its folder
--- (ghostline.trust asks, with vim.ui.select, before the client starts).
local trust = require('ghostline.trust')

local M = {}

M.name = 'ghostline'

local WINDOWS = vim.fn.has('win32') == 1
local venv_bins = { '.venv/bin/ghostline', 'venv/bin/ghostline', '.venv/Scripts/ghostline.exe' }

---@class ghostline.Candidate
---@field dir string The project folder (the one holding the venv); what is trusted.
---@field exe string The server executable in it.
---@field trust ghostline.TrustDecision? The decision about `dir`.

--- The project servers, nearest first: `.venv/bin/ghostline` (or `venv/`, or the Windows layout) in
--- `root` and every folder above it, with the trust decision of its folder.
---@param root string?
---@return ghostline.Candidate[]
function M.candidates(root)
  local found = {}
  if not root or root == '' then
    return found
  end
  root = vim.fs.normalize(vim.fn.fnamemodify(root, ':p'))
  local dirs = { root }
  for dir in vim.fs.parents(root) do
    dirs[#dirs + 1] = dir
  end
  for _, dir in ipairs(dirs) do
    for _, rel in ipairs(venv_bins) do
      local path = vim.fs.joinpath(dir, rel)
      if vim.fn.executable(path) == 1 then
        found[#found + 1] = { dir = dir, exe = path, trust = trust.get(dir) }
        break
      end
    end
  end
  return found
end

--- `ghostline` in an absolute folder of PATH (never `.` or another relative entry: that would be the
--- current folder, i.e. the project).
---@return string?
function M.on_path()
  local names = WINDOWS and { 'ghostline.exe', 'ghostline.cmd', 'ghostline.bat' } or { 'ghostline' }
  for entry in vim.gsplit(vim.env.PATH or '', WINDOWS and ';' or ':', { plain = true }) do
    if entry ~= '' and vim.fn.isabsolutepath(entry) == 1 then
      for _, name in ipairs(names) do
        local path = vim.fs.joinpath(entry, name)
        if vim.fn.executable(path) == 1 and vim.fn.isdirectory(path) == 0 then
          return path
        end
      end
    end
  end
  return nil
end

--- The server executable for a project: the nearest `.venv/bin/ghostline` in `root` or a folder above it
--- whose folder you trusted (untrusted and denied ones are passed over), else `ghostline` on PATH; nil
--- when there is neither.
---@param root string?
---@return string?
function M.executable(root)
  for _, candidate in ipairs(M.candidates(root)) do
    if candidate.trust == 'trust' then
      return candidate.exe
    end
  end
  return M.on_path()
end

--- The project server that would be used if its folder were trusted: the nearest candidate nobody decided
--- about yet that comes before any trusted one; nil when there is nothing to ask.
---@param root string?
---@return ghostline.Candidate?
function M.undecided(root)
  for _, candidate in ipairs(M.candidates(root)) do
    if candidate.trust == 'trust' then
      return nil
    elseif candidate.trust == nil then
      return candidate
    end
  end
  return nil
end

--- The server command you configured: `setup({ cmd = ... })`; nil when there is none.
---@return string[]?
local function configured()
  local ok, config = pcall(require, 'ghostline.config')
  return ok and config.options.cmd or nil
end

--- The command that starts the server (`setup({ cmd = ... })` wins), or nil with the reason. Never asks.
---@param root string?
---@return string[]?, string?
function M.command(root)
  local cmd = configured()
  if cmd then
    return cmd
  end
  local exe = M.executable(root)
  if exe then
    return { exe, 'serve' }
  end
  local waiting = M.candidates(root)[1]
  if waiting and waiting.trust ~= 'trust' then
    local why = 'Ghostline: not starting %s: its folder %s is not trusted '
      .. '(run :GhostlineTrust to trust it), and there is no `ghostline` on PATH.'
    return nil, why:format(waiting.exe, waiting.dir)
  end
  return nil,
    'Ghostline: no server found. Install it into the project (`python -m venv .venv && '
      .. '.venv/bin/pip install ghostline`), put `ghostline` on PATH, or pass '
      .. "`cmd = { '/path/to/ghostline', 'serve' }` to require('ghostline').setup()."
end

--- `cmd` of the `vim.lsp.Config` (lsp/ghostline.lua): starts what M.command finds.
---@param dispatchers vim.lsp.rpc.Dispatchers
---@param config vim.lsp.ClientConfig
---@return vim.lsp.rpc.PublicClient
function M.lsp_cmd(dispatchers, config)
  local root = config.root_dir or vim.fn.getcwd()
  local cmd, why = M.command(root)
  if not cmd then
    error(why, 0)
  end
  -- `python -m ghostline` would put its working folder (the project) first on sys.path: PYTHONSAFEPATH (3.11+)
  -- keeps a `ghostline` package of the project from being imported instead of the installed one.
  local env = vim.tbl_extend('keep', config.cmd_env or {}, { PYTHONSAFEPATH = '1' })
  return vim.lsp.rpc.start(cmd, dispatchers, {
    cwd = config.cmd_cwd or config.root_dir,
    env = env,
    detached = config.detached,
  })
end

--- Whether Ghostline finds the command itself (not replaced by `vim.lsp.config('ghostline', { cmd = ... })`
--- nor given to setup()): only then is a project's server a question.
---@return boolean
local function discovering()
  if configured() then
    return false
  end
  local ok, lsp_config = pcall(function()
    return vim.lsp.config[M.name]
  end)
  return not ok or not lsp_config or lsp_config.cmd == M.lsp_cmd
end

--- The project root of a buffer, from the configuration's `root_markers`.
---@param bufnr integer
---@return string?
local function find_root(bufnr)
  local ok, lsp_config = pcall(function()
    return vim.lsp.config[M.name]
  end)
  local markers = ok and lsp_config and lsp_config.root_markers or nil
  return markers and vim.fs.root(bufnr, markers) or nil
end

--- `root_dir` of the `vim.lsp.Config`: the root from `root_markers`, given to Neovim (which then starts the
--- client) once any untrusted project server on the way was asked about.
---@param bufnr integer
---@param on_dir fun(root_dir?: string)
function M.lsp_root_dir(bufnr, on_dir)
  local root = find_root(bufnr)
  local candidate = discovering() and M.undecided(root or vim.fn.getcwd()) or nil
  if not candidate then
    on_dir(root)
    return
  end
  trust.ask(candidate.dir, candidate.exe, function()
    if vim.api.nvim_buf_is_valid(bufnr) then
      on_dir(root) -- trusted: its server; else the next trusted one, PATH, or the reason why not
    end
  end)
end

--- :GhostlineTrust — ask again about the project server of a buffer (after "not now" or "never") and,
--- once it is trusted, restart Ghostline on the buffers of that project with it.
---@param bufnr integer?
function M.trust_project(bufnr)
  if not bufnr or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local root = find_root(bufnr) or vim.fn.getcwd()
  local nearest = M.candidates(root)[1]
  if not nearest or nearest.trust == 'trust' then
    vim.notify(
      nearest and ('Ghostline: %s is trusted already'):format(nearest.dir)
        or ('Ghostline: no .venv/bin/ghostline in %s or a folder above it'):format(root),
      vim.log.levels.INFO
    )
    return
  end
  trust.set(nearest.dir, nil)
  trust.ask(nearest.dir, nearest.exe, function(decision)
    if decision ~= 'trust' or not vim.api.nvim_buf_is_valid(bufnr) then
      return
    end
    local buffers = { [bufnr] = true }
    for _, client in ipairs(M.clients(bufnr)) do
      for attached in pairs(client.attached_buffers) do
        buffers[attached] = true
      end
      client:stop(true) -- the server it ran instead (PATH): now the project's own one
    end
    vim.schedule(function()
      for buf in pairs(buffers) do
        if vim.api.nvim_buf_is_valid(buf) then
          pcall(vim.api.nvim_exec_autocmds, 'FileType', { group = 'nvim.lsp.enable', buffer = buf })
        end
      end
    end)
  end)
end

--- The Ghostline clients, of one buffer or all.
---@param bufnr integer?
---@return vim.lsp.Client[]
function M.clients(bufnr)
  return vim.lsp.get_clients({ name = M.name, bufnr = bufnr })
end

return M
