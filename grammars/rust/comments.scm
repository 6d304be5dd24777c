;; Comments (`//`, `/* */`, and the doc forms `///`, `//!`, `/** */`, `/*! */`)
(line_comment) @comment

(block_comment) @comment
