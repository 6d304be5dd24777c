;; Includes
(preproc_include) @import
