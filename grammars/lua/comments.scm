;; Comments (`--` lines and `--[[ ]]` blocks)
(comment) @comment
