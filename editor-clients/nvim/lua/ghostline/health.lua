--- :checkhealth ghostline — Neovim version, server binary, attached clients, model state.
local config = require('ghostline.config')
local server = require('ghostline.server')

local M = {}

local MODEL_INFO = 'ghostline/modelInfo'
local health = vim.health

local function check_nvim()
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.11') == 0 then
    health.error('Neovim ' .. version .. ' is too old', 'Ghostline needs Neovim 0.11 or newer')
  elseif config.native() then
    health.ok('Neovim ' .. version .. ': ghost text by vim.lsp.inline_completion')
  else
    health.ok('Neovim ' .. version .. ": ghost text by Ghostline's renderer (0.11)")
  end
end

local function check_binary()
  local root = vim.fs.root(0, { '.git', 'pyproject.toml', '.venv' }) or vim.fn.getcwd()
  local cmd, why = server.command(root)
  if not cmd then
    health.error(why --[[@as string]])
  elseif vim.fn.executable(cmd[1]) == 0 then
    health.error('server command is not executable: ' .. table.concat(cmd, ' '))
  else
    health.ok('server command: ' .. table.concat(cmd, ' '))
  end
  local nearest = server.candidates(root)[1]
  if nearest and nearest.trust ~= 'trust' and not config.options.cmd then
    local why = nearest.trust == 'deny' and 'you said "never" (or "not now" in this session)'
      or 'it is not trusted yet'
    local file = require('ghostline.trust').file()
    health.warn(
      ('project server %s not used: %s'):format(nearest.exe, why),
      { (':GhostlineTrust runs it once you trust its folder (answers kept in %s)'):format(file) }
    )
  end
end

---@param client vim.lsp.Client
local function check_model(client)
  local reply = client:request_sync(MODEL_INFO, vim.empty_dict(), 3000)
  if not reply or reply.err then
    local why = reply and reply.err and reply.err.message or 'no answer in 3 s'
    health.warn('model state unknown: ' .. tostring(why))
    return
  end
  local info = reply.result or {}
  local text = ('model %s: %s'):format(info.name or '?', info.state)
  if info.message and info.message ~= '' then
    text = text .. ' (' .. info.message .. ')'
  end
  if info.state == 'ready' then
    health.ok(text)
  elseif info.state == 'error' then
    health.error(text, 'Run `ghostline model pull` in a terminal to see the full error')
  else
    health.warn(text)
  end
end

local function check_clients()
  local clients = server.clients()
  if #clients == 0 then
    health.warn('no Ghostline server is running', {
      "Call vim.lsp.enable('ghostline') and open a file of a supported language",
    })
    return
  end
  for _, client in ipairs(clients) do
    local buffers = vim.tbl_count(client.attached_buffers)
    health.ok(('server %d attached to %d buffer(s), root %s'):format(
      client.id,
      buffers,
      client.root_dir or '(none)'
    ))
    check_model(client)
  end
end

function M.check()
  health.start('ghostline')
  check_nvim()
  check_binary()
  check_clients()
end

return M
