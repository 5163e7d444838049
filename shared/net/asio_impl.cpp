// The one translation unit that compiles Asio (with its SSL part) and Beast. liaison_net
// defines BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION PUBLIC, so every
// other file that includes Asio or Beast (here, in tests, in the programs) links to this copy
// instead of compiling its own.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
