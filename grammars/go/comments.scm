;; Comments
(comment) @comment
