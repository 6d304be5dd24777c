--- Which project folders may run their own Ghostline server (`.venv/bin/ghostline`): a project's `.venv`
--- is code from that project, so opening a repository must not run it until you say so, once per folder.
---
--- Decisions live in `stdpath('state')/ghostline/trust.json` (`{ "folders": { "/real/path": "trust"|"deny" } }`),
--- keyed by the folder's real path. Not Neovim's own trust database (`vim.secure`): in 0.11 its API cannot
--- allow a directory by path nor ask without its own `confirm()` prompt, and a trusted directory there may
--- come to mean more than "run Ghostline's server from it".
local M = {}

---@alias ghostline.TrustDecision 'trust'|'deny'

--- "Not now" answers: not asked again in this session, not written down.
---@type table<string, true>
local skipped = {}

--- Folders being asked about: the callbacks waiting for the answer.
---@type table<string, fun(decision: ghostline.TrustDecision?)[]>
local pending = {}

M.CHOICES = {
  trust = 'Trust this folder and start its server',
  skip = 'Not now',
  deny = 'Never for this folder',
}

--- The trust file.
---@return string
function M.file()
  return vim.fs.joinpath(vim.fn.stdpath('state'), 'ghostline', 'trust.json')
end

--- The folder's real path (the key of its decision), or nil when it does not exist.
---@param dir string
---@return string?
function M.key(dir)
  return vim.uv.fs_realpath(vim.fs.normalize(dir))
end

---@return table<string, ghostline.TrustDecision>
local function read()
  local f = io.open(M.file(), 'r')
  if not f then
    return {}
  end
  local text = f:read('*a')
  f:close()
  local ok, data = pcall(vim.json.decode, text)
  if not ok or type(data) ~= 'table' or type(data.folders) ~= 'table' then
    return {}
  end
  return data.folders
end

---@param folders table<string, ghostline.TrustDecision>
local function write(folders)
  local file = M.file()
  vim.fn.mkdir(vim.fs.dirname(file), 'p', tonumber('700', 8))
  local tmp = file .. '.' .. vim.uv.os_getpid() .. '.tmp'
  local f = assert(io.open(tmp, 'w'))
  f:write(vim.json.encode({ version = 1, folders = next(folders) and folders or vim.empty_dict() }))
  f:close()
  vim.uv.fs_chmod(tmp, tonumber('600', 8))
  assert(vim.uv.fs_rename(tmp, file))
end

--- The decision for a folder: 'trust', 'deny' (written down, or "not now" in this session), or nil.
---@param dir string
---@return ghostline.TrustDecision?
function M.get(dir)
  local key = M.key(dir)
  if not key then
    return nil
  end
  local decision = read()[key]
  if decision == 'trust' or decision == 'deny' then
    return decision
  end
  return skipped[key] and 'deny' or nil
end

--- Remember a decision for a folder (nil forgets it, "not now" included).
---@param dir string
---@param decision ghostline.TrustDecision?
---@return string? key the folder's real path, nil when it does not exist
function M.set(dir, decision)
  local key = M.key(dir)
  if not key then
    return nil
  end
  skipped[key] = nil
  local folders = read()
  folders[key] = decision
  write(folders)
  return key
end

--- Ask (with `vim.ui.select`) whether `exe`, the server of the project folder `dir`, may run; remember the
--- answer. Calls `done` with 'trust', 'deny' or nil ("not now", or the question was dismissed). Asks once
--- per folder at a time: callers that come while the question is open get the same answer.
---@param dir string
---@param exe string
---@param done fun(decision: ghostline.TrustDecision?)
function M.ask(dir, exe, done)
  local key = M.key(dir) or dir
  if pending[key] then
    table.insert(pending[key], done)
    return
  end
  pending[key] = { done }
  local items = { M.CHOICES.trust, M.CHOICES.skip, M.CHOICES.deny }
  local prompt = ('Ghostline: run the language server of %s (%s)? It is code from that folder: '
    .. 'trust it only if you trust the project.'):format(key, exe)
  local function answer(choice)
    local decision ---@type ghostline.TrustDecision?
    if choice == M.CHOICES.trust then
      decision = 'trust'
    elseif choice == M.CHOICES.deny then
      decision = 'deny'
    end
    if decision then
      M.set(key, decision)
    else
      skipped[key] = true
    end
    local waiting = pending[key] or {}
    pending[key] = nil
    for _, callback in ipairs(waiting) do
      callback(decision)
    end
  end
  vim.schedule(function()
    local opts = { prompt = prompt, kind = 'ghostline.trust' }
    local ok, err = pcall(vim.ui.select, items, opts, answer)
    if not ok then
      local msg = ('Ghostline: could not ask about %s: %s'):format(key, tostring(err))
      vim.notify(msg, vim.log.levels.WARN)
      answer(nil)
    end
  end)
end

return M
