import ArgumentParser
import Foundation
import Journal

extension StudentRole: ExpressibleByArgument {}

extension StudentFact: ExpressibleByArgument {}
