// The security matrix's rows on scope: a station, a spokesperson's and a district device each
// writing every kind of record in and out of what its role may write.
#include <string>
#include <vector>

#include "tests/integration/sync/net_security_fixture.h"

namespace liaison::net_security {

std::vector<Row> scope_rows() {
  return {
      // A station device: the records of its own station, no reference data.
      {"station.opinion", "applied", as("st", create("opinion"))},
      {"station.opinion_of_another_station", "refused other_station",
       as("st", create("opinion", {{"station_id", T("S02")}}))},
      {"station.opinion_recorded_by_another_replica", "refused forged_origin",
       as("st", create("opinion", {{"recorded_by", T("someone-else")}}))},
      {"station.takeover_of_another_stations_opinion", "refused other_station",
       as("st", create("opinion", {}, "O-S02"))},
      {"station.edit_own_station_opinion", "applied",
       as("st", edit("opinion", "O-S01", {{"category", T("交通")}}))},
      {"station.edit_unknown_row", "refused other_station unknown_row",
       as("st", [](TestDevice& d) -> Result<std::vector<Target>> {
         LIAISON_ASSIGN_OR_RETURN(auto made, create("opinion", {{"station_id", T("S02")}})(d));
         LIAISON_RETURN_IF_ERROR(test::update_row(*d.replica, "opinion", made[0].id,
                                                  {{"voter", T("改名")}}));
         return made;
       })},
      {"station.step", "applied", as("st", create("opinion_step"))},
      {"station.step_on_another_stations_opinion", "refused other_station",
       as("st", create("opinion_step", {{"opinion_id", T("O-S02")}}))},
      {"station.amendment_on_another_stations_opinion", "refused other_station",
       as("st", create("amendment", {{"opinion_id", T("O-S02")}}))},
      {"station.reception", "applied", as("st", create("activity"))},
      {"station.reception_of_another_station", "refused other_station",
       as("st", create("activity", {{"station_id", T("S02")}}))},
      {"station.home_activity_without_station", "refused other_station",
       as("st", create("activity", {{"station_id", Value{}}, {"home_id", T("H1")}}))},
      {"station.attendance", "applied", as("st", create("attendance"))},
      {"station.attendance_of_another_station", "refused other_station",
       as("st", create("attendance", {{"station_id", T("S02")}, {"activity_id", T("R-S02")}}))},
      {"station.link_to_another_stations_opinion", "refused other_station",
       as("st", create("activity_opinion", {{"opinion_id", T("O-S02")}}))},
      {"station.visit", "applied", as("st", create("visit"))},
      {"station.visit_of_another_station", "refused other_station",
       as("st", create("visit", {{"station_id", T("S02")}, {"spokesperson_id", T("SP3")}}))},
      {"station.deputy_report", "applied", as("st", create("deputy_report"))},
      {"station.deputy_report_without_station", "refused other_station",
       as("st", create("deputy_report", {{"station_id", Value{}}}))},
      {"station.attachment", "applied", as("st", create("attachment"))},
      {"station.attachment_on_another_stations_opinion", "refused other_station",
       as("st", create("attachment", {{"owner_id", T("O-S02")}}))},
      {"station.spokesperson", "applied", as("st", create("spokesperson"))},
      {"station.spokesperson_of_another_station", "refused other_station",
       as("st", create("spokesperson", {{"station_id", T("S02")}}))},
      {"station.hub_device_grants_a_device", "applied",
       [](Matrix& m) {
         Outcome out = m.push(m.dev("st"), create("hub_device"), m.dev("st").token);
         if (!out.targets.empty()) out.also = {"_device/" + out.targets[0].id};
         return out;
       }},
      {"station.hub_device_of_another_station", "refused other_station",
       as("st", create("hub_device", {{"station_id", T("S02")}, {"spokesperson_id", T("SP3")}}))},
      // The record is the station's own, but names another station's spokesperson: no device.
      {"station.hub_device_for_another_stations_spokesperson", "applied",
       as("st", create("hub_device", {{"spokesperson_id", T("SP3")}}))},
      // A record over the district device's id: the district's device stays as it was.
      {"station.hub_device_over_the_district_device", "applied",
       [](Matrix& m) {
         return m.push(m.dev("st"), create("hub_device", {}, m.dev("dd").device_id()),
                       m.dev("st").token);
       }},
      // A record over another station's device id that revokes it: that device stays as it was.
      {"station.hub_device_revoking_another_stations_device", "applied",
       [](Matrix& m) {
         Write revoke_it = [&m](TestDevice& d) -> Result<std::vector<Target>> {
           LIAISON_ASSIGN_OR_RETURN(std::vector<Target> made,
                                    create("hub_device", {}, m.dev("st2").device_id())(d));
           LIAISON_RETURN_IF_ERROR(test::update_row(*d.replica, "hub_device", made[0].id,
                                                    {{"revoked_at", T(kAt)}}));
           return made;
         };
         return m.push(m.dev("st"), revoke_it, m.dev("st").token);
       }},
      {"station.home", "refused reference_data", as("st", create("home"))},
      {"station.category", "refused reference_data", as("st", create("category"))},
      {"station.deputy", "refused reference_data", as("st", create("deputy"))},
      {"station.edit_station", "refused reference_data",
       as("st", edit("station", "S01", {{"name", T("改名")}}))},

      // A spokesperson's device: what it recorded, what hangs on that, its own visits.
      {"spokesperson.opinion", "applied",
       as("sp", create("opinion", {{"spokesperson_id", T("SP1")}}))},
      {"spokesperson.opinion_for_another_spokesperson", "refused not_own_record",
       as("sp", create("opinion", {{"spokesperson_id", T("SP2")}}))},
      {"spokesperson.opinion_of_another_station", "refused other_station",
       as("sp", create("opinion", {{"station_id", T("S02")}, {"spokesperson_id", T("SP1")}}))},
      {"spokesperson.opinion_recorded_by_another_replica", "refused forged_origin",
       as("sp", create("opinion", {{"spokesperson_id", T("SP1")}, {"recorded_by", T("someone")}}))},
      {"spokesperson.edit_own_opinion", "applied",
       as("sp", on_own_opinion("opinion", {{"voter", T("改名")}}))},
      {"spokesperson.edit_station_opinion", "refused not_own_record",
       as("sp", edit("opinion", "O-SP1", {{"place", T("二楼")}}))},
      {"spokesperson.step_on_own_opinion", "applied",
       as("sp", on_own_opinion("opinion_step", {{"opinion_id", T("{opinion}")}}))},
      {"spokesperson.step_on_station_opinion", "refused not_own_record",
       as("sp", create("opinion_step", {{"opinion_id", T("O-SP1")}}))},
      {"spokesperson.step_on_unknown_opinion", "refused unknown_opinion",
       as("sp", create("opinion_step", {{"opinion_id", T("NO-SUCH-OPINION")}}))},
      {"spokesperson.amendment_on_own_opinion", "applied",
       as("sp", on_own_opinion("amendment", {{"opinion_id", T("{opinion}")}}))},
      {"spokesperson.amendment_on_station_opinion", "refused not_own_record",
       as("sp", create("amendment", {{"opinion_id", T("O-SP1")}}))},
      {"spokesperson.visit", "applied", as("sp", create("visit", {{"spokesperson_id", T("SP1")}}))},
      {"spokesperson.visit_for_another_spokesperson", "refused not_own_record",
       as("sp", create("visit"))},
      {"spokesperson.attachment_on_station_opinion", "refused not_own_record",
       as("sp", create("attachment", {{"owner_id", T("O-SP1")}}))},
      {"spokesperson.reception", "refused outside_role", as("sp", create("activity"))},
      {"spokesperson.attendance", "refused outside_role", as("sp", create("attendance"))},
      {"spokesperson.deputy_report", "refused outside_role", as("sp", create("deputy_report"))},
      {"spokesperson.spokesperson", "refused outside_role", as("sp", create("spokesperson"))},
      {"spokesperson.hub_device", "refused outside_role", as("sp", create("hub_device"))},
      {"spokesperson.edit_own_spokesperson_row", "refused not_own_record",
       as("sp", edit("spokesperson", "SP1", {{"phone", T("13800000000")}}))},
      {"spokesperson.category", "refused reference_data", as("sp", create("category"))},

      // A district device: anything.
      {"district.opinion_of_a_station", "applied",
       as("dd", create("opinion", {{"station_id", T("S02")}}))},
      {"district.step", "applied",
       as("dd", create("opinion_step", {{"opinion_id", T("O-S02")}, {"station_id", T("S02")}}))},
      {"district.home_activity", "applied",
       as("dd", create("activity", {{"station_id", Value{}}, {"home_id", T("H1")}}))},
      {"district.spokesperson", "applied",
       as("dd", create("spokesperson", {{"station_id", T("S02")}}))},
      {"district.category", "applied", as("dd", create("category"))},
      {"district.edit_station", "applied",
       as("dd", edit("station", "S01", {{"name", T("第一联络站")}}))},
  };
}

}  // namespace liaison::net_security
