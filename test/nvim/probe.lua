-- Runs inside headless Neovim after the YAML file is open (nvim -c 'luafile probe.lua' file.yaml):
-- waits for the server's diagnostics, asks for a hover on the policy name and for code actions
-- on the `protocol: tcp` line, writes everything as JSON to $NETPOL_LENS_OUT and quits
-- (exit code 1 when something failed; the JSON then has an "error" field).
local out = assert(os.getenv('NETPOL_LENS_OUT'), 'NETPOL_LENS_OUT is not set')
local results = { nvim = vim.version() }

local function find_line(buf, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(pattern)
    if col then
      return i - 1, col - 1, line
    end
  end
  error('no line matching ' .. pattern)
end

local function first_result(responses)
  for _, r in pairs(responses or {}) do
    if r.error then
      error('server answered with an error: ' .. vim.inspect(r.error))
    end
    return r.result
  end
  return nil
end

local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  results.filetype = vim.bo[buf].filetype
  local got = vim.wait(20000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50)
  if not got then
    error('no diagnostics within 20 s')
  end
  -- Clients count as attached once initialized, which they are by now.
  results.clients = vim.tbl_map(function(c)
    return c.name
  end, vim.tbl_values(vim.lsp.buf_get_clients(buf)))
  results.diagnostics = vim.tbl_map(function(d)
    return { lnum = d.lnum, col = d.col, severity = d.severity, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), source = d.source, message = d.message }
  end, vim.diagnostic.get(buf))

  local uri = vim.uri_from_bufnr(buf)
  local name_line, name_col = find_line(buf, 'Broken_Policy')
  local hover, hover_err = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = name_line, character = name_col + 2 },
  }, 10000)
  if hover_err then
    error('hover: ' .. tostring(hover_err))
  end
  local h = first_result(hover)
  results.hover = h and h.contents and (h.contents.value or h.contents) or vim.NIL

  -- As vim.lsp.buf.code_action() does: the line's diagnostics, in LSP form, as the context.
  local proto_line, _, text = find_line(buf, 'protocol: tcp')
  local actions, actions_err = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = { line = proto_line, character = 0 }, ['end'] = { line = proto_line, character = #text } },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, proto_line) },
  }, 10000)
  if actions_err then
    error('code actions: ' .. tostring(actions_err))
  end
  results.code_actions = vim.tbl_map(function(a)
    return { title = a.title, kind = a.kind }
  end, first_result(actions) or {})
end)

if not ok then
  results.error = tostring(err)
end
vim.fn.writefile({ vim.fn.json_encode(results) }, out)
if ok then
  vim.cmd('qa!')
else
  vim.cmd('cquit 1')
end
