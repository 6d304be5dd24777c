;; Includes
(preproc_include) @import

;; Using declarations (`using namespace std;`, `using std::string;`)
(using_declaration) @import
