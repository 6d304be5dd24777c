;; Comments
(comment) @comment

(html_comment) @comment
