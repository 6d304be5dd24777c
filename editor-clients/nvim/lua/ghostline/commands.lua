--- User commands: :GhostlineToggle, :GhostlineStats and :GhostlineTrust.
local config = require('ghostline.config')
local server = require('ghostline.server')

local M = {}

local STATS = 'ghostline/stats'
local SHOWN = {
  { 'shown', 'suggestions shown' },
  { 'accepted', 'accepted' },
  { 'rejected', 'rejected' },
  { 'accepted_chars', 'characters accepted' },
  { 'requests', 'requests' },
  { 'cache_hits', 'cache hits' },
  { 'model_calls', 'model calls' },
  { 'cut', 'over the time budget' },
  { 'background_ready', 'shown when ready' },
  { 'cancelled', 'cancelled' },
  { 'last_threads', 'threads (last call)' },
}

--- The lines :GhostlineStats prints for a `ghostline/stats` result.
---@param stats table<string, any>
---@return string[]
function M.format_stats(stats)
  local lines = { 'Ghostline statistics (this session)' }
  for _, entry in ipairs(SHOWN) do
    local value = stats[entry[1]]
    if value ~= nil then
      local line = ('  %-20s %s'):format(entry[2], tostring(value))
      if entry[1] == 'accepted' and (stats.shown or 0) > 0 then
        line = line .. (' (%d%%)'):format(math.floor(100 * value / stats.shown + 0.5))
      end
      lines[#lines + 1] = line
    end
  end
  return lines
end

--- Turn ghost text on or off (every buffer).
---@param on boolean? nil: flip
function M.toggle(on)
  if on == nil then
    on = not config.options.enabled
  end
  config.options.enabled = on
  if config.native() then
    for _, client in ipairs(server.clients()) do
      for bufnr in pairs(client.attached_buffers) do
        vim.lsp.inline_completion.enable(on, { bufnr = bufnr })
      end
    end
  elseif not on then
    require('ghostline.ghost').clear_all()
  end
  vim.notify('Ghostline: inline suggestions ' .. (on and 'on' or 'off'), vim.log.levels.INFO)
end

--- Show lines in a floating window by the cursor (closed when the cursor moves; no hit-enter prompt).
---@param lines string[]
---@return integer? winid
function M.float(lines)
  local ok, _, winid = pcall(vim.lsp.util.open_floating_preview, lines, '', {
    border = 'rounded',
    focus_id = 'ghostline_stats',
    close_events = { 'CursorMoved', 'CursorMovedI', 'InsertEnter', 'BufLeave' },
  })
  if ok and winid then
    return winid
  end
  -- no room for a window: one line in the message area
  vim.api.nvim_echo({ { table.concat(vim.tbl_map(vim.trim, lines), ', '):sub(1, vim.v.echospace) } }, false, {})
  return nil
end

--- Ask the server for its statistics and show them in a floating window.
function M.stats()
  local client = server.clients(0)[1] or server.clients()[1]
  if not client then
    vim.notify('Ghostline: the server is not running', vim.log.levels.WARN)
    return
  end
  client:request(STATS, vim.empty_dict(), function(err, result)
    if err then
      vim.notify('Ghostline: ' .. STATS .. ' failed: ' .. tostring(err.message), vim.log.levels.ERROR)
      return
    end
    M.float(M.format_stats(result or {}))
  end)
end

--- Define the user commands (again on every setup: `force` replaces them).
function M.create()
  vim.api.nvim_create_user_command('GhostlineToggle', function(cmd)
    M.toggle(({ on = true, off = false })[cmd.args])
  end, {
    nargs = '?',
    complete = function()
      return { 'on', 'off' }
    end,
    desc = 'Ghostline: turn inline suggestions on/off',
    force = true,
  })
  vim.api.nvim_create_user_command('GhostlineStats', M.stats, {
    desc = 'Ghostline: show suggestion statistics',
    force = true,
  })
  vim.api.nvim_create_user_command('GhostlineTrust', function()
    server.trust_project(0)
  end, {
    desc = "Ghostline: ask again whether the project's .venv/bin/ghostline may run",
    force = true,
  })
end

return M
