;; Comments (the shebang line included)
(comment) @comment
