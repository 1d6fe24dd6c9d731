-- Minimal Neovim (0.7+) configuration for the headless editor test (test/lsp/nvim.test.ts):
-- starts NetworkPolicy Lens's language server for YAML buffers with the 0.7 API
-- (vim.lsp.start_client + vim.lsp.buf_attach_client from a FileType autocommand).
-- NETPOL_LENS_SERVER: path of dist/server.js; NETPOL_LENS_NODE: the node binary (default "node").
local server = assert(os.getenv('NETPOL_LENS_SERVER'), 'NETPOL_LENS_SERVER is not set')
local node = os.getenv('NETPOL_LENS_NODE') or 'node'
local client_id = nil

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'yaml',
  callback = function(args)
    if client_id == nil then
      client_id = vim.lsp.start_client({
        name = 'netpol-lens',
        cmd = { node, server, '--stdio' },
        root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ':p:h'),
        settings = { netpolLens = {} },
      })
    end
    if client_id ~= nil then
      vim.lsp.buf_attach_client(args.buf, client_id)
    end
  end,
})
